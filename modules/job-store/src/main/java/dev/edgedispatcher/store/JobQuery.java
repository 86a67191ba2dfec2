package dev.edgedispatcher.store;

import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.callback.Region;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The filters of {@code GET /v1/jobs} and {@code POST /v1/jobs:redrive} (docs/api.md, "Finding and
 * redriving jobs"), already checked: each is empty (no filter) or an allowed value. {@code since} is
 * inclusive, {@code until} exclusive, both on the accept time; {@code outcome} is the outcome of the
 * job's last attempt ({@code ok}, {@code ct}, {@code rt}, {@code 4xx}, ...).
 *
 * <p>Start from {@link #all()} and narrow: {@code JobQuery.all().withState(JobState.FAILED).withRegion(Region.FRANKFURT)}.
 */
public record JobQuery(Optional<JobState> state, Optional<Region> region, Optional<String> account, Optional<String> host,
        Optional<String> outcome, Optional<Instant> since, Optional<Instant> until) {

    private static final JobQuery ALL = new JobQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public JobQuery {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
    }

    /** Every job: no filter. */
    public static JobQuery all() {
        return ALL;
    }

    public JobQuery withState(JobState value) {
        return new JobQuery(Optional.of(value), region, account, host, outcome, since, until);
    }

    public JobQuery withRegion(Region value) {
        return new JobQuery(state, Optional.of(value), account, host, outcome, since, until);
    }

    /** The same filters restricted to one account (an API key's). */
    public JobQuery forAccount(String value) {
        return new JobQuery(state, region, Optional.of(value), host, outcome, since, until);
    }

    /** Jobs whose URL's host is {@code value} (lower case, as the store keeps it). */
    public JobQuery withHost(String value) {
        return new JobQuery(state, region, account, Optional.of(value), outcome, since, until);
    }

    /** Jobs whose last attempt ended with {@code value}. */
    public JobQuery withOutcome(String value) {
        return new JobQuery(state, region, account, host, Optional.of(value), since, until);
    }

    /** Jobs accepted at {@code value} or later. */
    public JobQuery acceptedFrom(Instant value) {
        return new JobQuery(state, region, account, host, outcome, Optional.of(value), until);
    }

    /** Jobs accepted before {@code value}. */
    public JobQuery acceptedBefore(Instant value) {
        return new JobQuery(state, region, account, host, outcome, since, Optional.of(value));
    }
}
