package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An event on {@code webhooks.results}, keyed by job id: a worker started the job
 * ({@code type=started}), one per attempt ({@code type=attempt}) and one final outcome per delivery
 * ({@code type=final}).
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
        List<String> classes) {

    public static final String STARTED = "started";
    public static final String ATTEMPT = "attempt";
    public static final String FINAL = "final";

    /** A worker of {@code region} began delivering the job (its status becomes in_flight). */
    public static ResultEvent started(String id, String region) {
        return new ResultEvent(STARTED, id, region, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** One attempt on the primary or the fallback URL. */
    public static ResultEvent attempt(String id, String region, String url, String target, int attempt, String outcome,
            Integer status, String reason, String startedAt, long durationMs) {
        return new ResultEvent(ATTEMPT, id, region, url, target, attempt, outcome, status, reason, startedAt, durationMs,
                null, null, null);
    }

    /** The job's final outcome: {@code delivered} (by primary or fallback) or {@code failed}, with the classes seen. */
    public static ResultEvent finalOutcome(String id, String region, String state, String deliveredBy, List<String> classes,
            String reason) {
        return new ResultEvent(FINAL, id, region, null, null, null, null, null, reason, null, null, state, deliveredBy,
                List.copyOf(classes));
    }
}
