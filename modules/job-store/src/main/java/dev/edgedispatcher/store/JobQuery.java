package dev.edgedispatcher.store;

import java.util.Optional;

/**
 * The filters of {@code GET /v1/jobs} and {@code POST /v1/jobs:redrive}, already checked: each is
 * empty (no filter) or an allowed value. {@code since} is inclusive, {@code until} exclusive, both on
 * the accept time in epoch milliseconds; {@code outcome} is the outcome of the job's last attempt.
 */
public record JobQuery(Optional<String> state, Optional<String> region, Optional<String> account, Optional<String> host,
        Optional<String> outcome, Optional<Long> sinceMs, Optional<Long> untilMs) {

    public static JobQuery all() {
        return new JobQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** The same filters restricted to one account (an API key's). */
    public JobQuery forAccount(String account) {
        return new JobQuery(state, region, Optional.of(account), host, outcome, sinceMs, untilMs);
    }
}
