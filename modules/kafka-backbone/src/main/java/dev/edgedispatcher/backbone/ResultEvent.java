package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Optional;

/**
 * An event on {@code webhooks.results}, keyed by job id, one record per kind: a worker
 * {@link Started started} the job, made an {@link Attempt attempt}, or reached the job's
 * {@link Final final} outcome (docs/api.md, "Kafka topics"). On the wire each is a JSON object
 * whose {@code type} names its kind.
 *
 * <p>A succeeded attempt is always a job's last one: it is not written as an event of its own but
 * travels in the final event as {@code last_attempt}, so a job delivered at the first try costs one
 * results record, not two. {@link #attemptsRecorded()} reads both forms.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ResultEvent.Started.class, name = ResultEvent.STARTED),
    @JsonSubTypes.Type(value = ResultEvent.Attempt.class, name = ResultEvent.ATTEMPT),
    @JsonSubTypes.Type(value = ResultEvent.Final.class, name = ResultEvent.FINAL)})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ResultEvent permits ResultEvent.Started, ResultEvent.Attempt, ResultEvent.Final {

    String STARTED = "started";
    String ATTEMPT = "attempt";
    String FINAL = "final";
    /** The outcome of an attempt that succeeded (a 2xx); failed ones carry their failure class. */
    String OUTCOME_OK = "ok";

    /** The job this event is about. */
    String id();

    /** The region whose worker wrote it. */
    String region();

    /** The kind's name on the wire. */
    @JsonProperty("type")
    String type();

    /** The attempts this event records: itself for an attempt, the carried last attempt of a final event. */
    @JsonIgnore
    default List<Attempt> attemptsRecorded() {
        return List.of();
    }

    /** A worker of {@code region} began delivering the job (its status becomes in_flight). */
    static Started started(String id, String region) {
        return new Started(id, region);
    }

    /** One attempt on the primary or the fallback URL. */
    static Attempt attempt(String id, String region, String url, String target, int attempt, String outcome,
            Integer status, String reason, String startedAt, long durationMs) {
        return new Attempt(id, region, url, target, attempt, outcome, status, reason, startedAt, durationMs);
    }

    /** The job's final outcome: {@code delivered} (by primary or fallback) or {@code failed}, with the classes seen. */
    static Final finalOutcome(String id, String region, JobState state, String deliveredBy, List<String> classes,
            String reason) {
        if (!state.isFinal()) {
            throw new IllegalArgumentException("a final event carries a final state, not " + state);
        }
        return new Final(id, region, state.wireName(), deliveredBy, List.copyOf(classes), reason, null);
    }

    /** The job's delivery began. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "id", "region"})
    record Started(String id, String region) implements ResultEvent {
        @Override
        public String type() {
            return STARTED;
        }
    }

    /**
     * One attempt: the URL and which {@code target} it was ({@code primary} or {@code fallback}),
     * its 1-based number, its {@code outcome} ({@link #OUTCOME_OK} or a failure class), the HTTP
     * status when one came, why it failed, when it started and how long it took.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "id", "region"})
    record Attempt(String id, String region, String url, String target, Integer attempt, String outcome, Integer status,
            String reason, @JsonProperty("started_at") String startedAt, @JsonProperty("duration_ms") Long durationMs)
            implements ResultEvent {
        @Override
        public String type() {
            return ATTEMPT;
        }

        @Override
        public List<Attempt> attemptsRecorded() {
            return List.of(this);
        }
    }

    /**
     * The job's final outcome: its {@code state} ({@code delivered} or {@code failed}, as written
     * on the wire), who delivered it, the failure classes seen on the way, why it ended, and the
     * succeeded last attempt when there was one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "id", "region"})
    record Final(String id, String region, String state, @JsonProperty("delivered_by") String deliveredBy,
            List<String> classes, String reason, @JsonProperty("last_attempt") Attempt lastAttempt) implements ResultEvent {
        @Override
        public String type() {
            return FINAL;
        }

        /** This final event carrying the job's last attempt (an attempt of the same job). */
        public Final withLastAttempt(Attempt attempt) {
            if (!id.equals(attempt.id())) {
                throw new IllegalArgumentException("only a final event carries an attempt of its own job, not one of "
                        + attempt.id() + " in the final event of " + id);
            }
            return new Final(id, region, state, deliveredBy, classes, reason, attempt);
        }

        /** The final state (empty for a name this version does not know, from a newer writer). */
        @JsonIgnore
        public Optional<JobState> finalState() {
            return JobState.fromWire(state).filter(JobState::isFinal);
        }

        @Override
        public List<Attempt> attemptsRecorded() {
            return lastAttempt == null ? List.of() : List.of(lastAttempt);
        }
    }
}
