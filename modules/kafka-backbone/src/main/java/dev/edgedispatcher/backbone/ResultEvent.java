package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An event on {@code webhooks.results}, keyed by job id: a worker started the job
 * ({@code type=started}), one per attempt ({@code type=attempt}) and one final outcome per delivery
 * ({@code type=final}).
 *
 * <p>A succeeded attempt is always a job's last one: it is not written as an event of its own but
 * travels in the final event as {@code last_attempt}, so a job delivered at the first try costs one
 * results record, not two. {@link #attemptsRecorded()} reads both forms.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultEvent(
        String type,
        String id,
        String region,
        String url,
        String target,
        Integer attempt,
        String outcome,
        Integer status,
        String reason,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("duration_ms") Long durationMs,
        String state,
        @JsonProperty("delivered_by") String deliveredBy,
        List<String> classes,
        @JsonProperty("last_attempt") ResultEvent lastAttempt) {

    public static final String STARTED = "started";
    public static final String ATTEMPT = "attempt";
    public static final String FINAL = "final";
    /** The outcome of an attempt that succeeded (a 2xx); failed ones carry their failure class. */
    public static final String OUTCOME_OK = "ok";

    /** A worker of {@code region} began delivering the job (its status becomes in_flight). */
    public static ResultEvent started(String id, String region) {
        return new ResultEvent(STARTED, id, region, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** One attempt on the primary or the fallback URL. */
    public static ResultEvent attempt(String id, String region, String url, String target, int attempt, String outcome,
            Integer status, String reason, String startedAt, long durationMs) {
        return new ResultEvent(ATTEMPT, id, region, url, target, attempt, outcome, status, reason, startedAt, durationMs,
                null, null, null, null);
    }

    /** The job's final outcome: {@code delivered} (by primary or fallback) or {@code failed}, with the classes seen. */
    public static ResultEvent finalOutcome(String id, String region, JobState state, String deliveredBy, List<String> classes,
            String reason) {
        if (!state.isFinal()) {
            throw new IllegalArgumentException("a final event carries a final state, not " + state);
        }
        return new ResultEvent(FINAL, id, region, null, null, null, null, null, reason, null, null, state.wireName(), deliveredBy,
                List.copyOf(classes), null);
    }

    /** The final state of a final event (empty for other events, or an unknown name from a newer writer). */
    public java.util.Optional<JobState> finalState() {
        return FINAL.equals(type) ? JobState.fromWire(state) : java.util.Optional.empty();
    }

    /** This final event carrying the job's last attempt (an attempt event of the same job). */
    public ResultEvent withLastAttempt(ResultEvent attempt) {
        if (!FINAL.equals(type) || !ATTEMPT.equals(attempt.type()) || !id.equals(attempt.id())) {
            throw new IllegalArgumentException("only a final event carries an attempt of its own job, not " + attempt.type()
                    + " of " + attempt.id() + " in " + type + " of " + id);
        }
        return new ResultEvent(type, id, region, null, null, null, null, null, reason, null, null, state, deliveredBy,
                classes, attempt);
    }

    /** The attempts this event records: itself when it is an attempt event, the carried last attempt of a final one. */
    public List<ResultEvent> attemptsRecorded() {
        if (ATTEMPT.equals(type)) {
            return List.of(this);
        }
        return lastAttempt == null ? List.of() : List.of(lastAttempt);
    }
}
