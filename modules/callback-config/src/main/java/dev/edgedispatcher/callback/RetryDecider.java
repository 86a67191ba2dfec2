package dev.edgedispatcher.callback;

import java.util.OptionalLong;

/**
 * The retry rule (docs/callbacks.md, "Delivery semantics") as one pure function: a failed attempt
 * is retried only if its class is in rp, attempts remain and tt has time left; {@code partial}
 * never; otherwise the job falls back (when a fallback URL is still available) or stops.
 */
public final class RetryDecider {

    private RetryDecider() {
    }

    /**
     * @param policy the policy of the URL that was just attempted
     * @param failure the class of the failed attempt
     * @param attemptsMade attempts made on this URL so far, the failed one included (1-based)
     * @param remainingTotalMs time left of tt now; empty when the policy has no tt
     * @param fallbackAvailable whether a fallback URL exists and has not been used yet
     */
    public static NextStep afterFailure(
            CallbackPolicy policy,
            FailureClass failure,
            int attemptsMade,
            OptionalLong remainingTotalMs,
            boolean fallbackAvailable) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade is 1-based: " + attemptsMade);
        }
        NextStep.StopReason reason;
        if (failure == FailureClass.PARTIAL) {
            reason = NextStep.StopReason.PARTIAL_NEVER_RETRIED;
        } else if (!policy.retries(failure)) {
            reason = NextStep.StopReason.NOT_IN_RETRY_POLICY;
        } else if (attemptsMade >= policy.maxAttempts()) {
            reason = NextStep.StopReason.RETRIES_EXHAUSTED;
        } else if (remainingTotalMs.isPresent() && remainingTotalMs.getAsLong() <= 0) {
            reason = NextStep.StopReason.TOTAL_TIMEOUT_EXPIRED;
        } else {
            return new NextStep.Retry(attemptsMade + 1, AttemptBudget.of(policy, remainingTotalMs));
        }
        return fallbackAvailable ? new NextStep.FallBack(reason) : new NextStep.Stop(reason);
    }
}
