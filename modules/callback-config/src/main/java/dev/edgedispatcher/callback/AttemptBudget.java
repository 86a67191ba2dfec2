package dev.edgedispatcher.callback;

import java.util.OptionalLong;

/**
 * The timeouts of one attempt after tt has cut them: connect and read timeouts never exceed what
 * remains of tt, and the attempt is aborted at {@code deadlineMs} after it starts.
 *
 * @param connectTimeoutMs connect (TCP + TLS) timeout of this attempt
 * @param readTimeoutMs read timeout (first byte, and every later gap) of this attempt
 * @param deadlineMs time left of tt when the attempt starts; empty when the policy has no tt
 */
public record AttemptBudget(long connectTimeoutMs, long readTimeoutMs, OptionalLong deadlineMs) {

    /** The budget of an attempt starting with {@code remainingTotalMs} of tt left (empty: no tt). */
    public static AttemptBudget of(CallbackPolicy policy, OptionalLong remainingTotalMs) {
        if (remainingTotalMs.isEmpty()) {
            return new AttemptBudget(policy.connectTimeoutMs(), policy.readTimeoutMs(), OptionalLong.empty());
        }
        long remaining = Math.max(0, remainingTotalMs.getAsLong());
        return new AttemptBudget(
                Math.min(policy.connectTimeoutMs(), remaining),
                Math.min(policy.readTimeoutMs(), remaining),
                OptionalLong.of(remaining));
    }

    /** The budget of the first attempt: the whole of tt is left. */
    public static AttemptBudget first(CallbackPolicy policy) {
        return of(policy, policy.totalTimeoutMs().isPresent()
                ? OptionalLong.of(policy.totalTimeoutMs().getAsInt())
                : OptionalLong.empty());
    }
}
