package dev.edgedispatcher.worker.delivery;

import dev.edgedispatcher.callback.FailureClass;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How one attempt ended.
 *
 * @param failure empty for a success (2xx, whole body read)
 * @param status the HTTP status, when a status line arrived
 * @param reason a short explanation, e.g. {@code connect timeout after 2000 ms}
 * @param sentAfterMs when the request was fully sent, in ms after the attempt started; -1 if never
 *     (rt starts there: timer-precision measurements subtract it)
 */
public record AttemptResult(int attempt, Optional<FailureClass> failure, Optional<Integer> status, String reason,
        Instant startedAt, long durationMs, long sentAfterMs) {

    public AttemptResult {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }

    /** {@code ok} or the failure class, as in the status document. */
    public String outcome() {
        return failure.map(FailureClass::wireName).orElse(dev.edgedispatcher.backbone.ResultEvent.OUTCOME_OK);
    }
}
