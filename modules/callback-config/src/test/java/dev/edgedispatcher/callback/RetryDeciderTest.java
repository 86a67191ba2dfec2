package dev.edgedispatcher.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryDeciderTest {

    private static CallbackPolicy policy(int rc, Set<FailureClass> rp) {
        return new CallbackPolicy(2000, 3000, OptionalInt.of(10_000), rc, rp, EdgeRegion.NEAREST);
    }

    @ParameterizedTest(name = "rp={0} rc={1} after {2} on attempt {3} with {4} ms left, fallback {5} -> {6}")
    @CsvSource({
        // retried: class in rp, attempts remain, time left
        "ct|rt, 1, ct, 1, 5000, false, retry",
        "ct|rt, 1, rt, 1, 1, false, retry",
        "5xx, 3, 5xx, 3, 5000, false, retry",
        "4xx, 5, 4xx, 5, 5000, true, retry",
        // not in rp
        "ct|rt, 1, 5xx, 1, 5000, false, stop:not_in_retry_policy",
        "ct|rt, 1, 4xx, 1, 5000, true, fallback:not_in_retry_policy",
        "4xx|5xx|ct|rt, 5, 3xx, 1, 5000, false, stop:not_in_retry_policy",
        // partial never retried, even with all
        "4xx|5xx|ct|rt, 5, partial, 1, 5000, false, stop:partial_never_retried",
        "4xx|5xx|ct|rt, 5, partial, 1, 5000, true, fallback:partial_never_retried",
        // attempts exhausted
        "ct|rt, 1, ct, 2, 5000, false, stop:retries_exhausted",
        "ct|rt, 0, ct, 1, 5000, true, fallback:retries_exhausted",
        "5xx, 3, 5xx, 4, 5000, false, stop:retries_exhausted",
        // tt has run out
        "ct|rt, 3, rt, 1, 0, false, stop:total_timeout_expired",
        "ct|rt, 3, rt, 2, -5, true, fallback:total_timeout_expired"})
    void decisionTable(String rp, int rc, String failure, int attemptsMade, long remaining, boolean fallback,
            String expected) {
        NextStep step = RetryDecider.afterFailure(policy(rc, parseRp(rp)), FailureClass.fromWireName(failure).orElseThrow(),
                attemptsMade, OptionalLong.of(remaining), fallback);
        assertThat(describe(step)).isEqualTo(expected);
    }

    /**
     * Every class x attempts 1..6 x rc 0..5 x remaining tt (none, expired, short, long) x fallback: the
     * outcome must follow the retry rule (docs/callbacks.md, "Delivery semantics"): retried only if
     * its class is in rp and attempts remain and tt has time left; partial is never retried. And a
     * retry's budget never exceeds what is left.
     */
    @Test
    void exhaustiveOverClassesAttemptsAndRemainingTime() {
        List<OptionalLong> remainings = List.of(OptionalLong.empty(), OptionalLong.of(0), OptionalLong.of(-1),
                OptionalLong.of(50), OptionalLong.of(2500), OptionalLong.of(60_000));
        List<Set<FailureClass>> policies = List.of(EnumSet.of(FailureClass.CT, FailureClass.RT),
                FailureClass.RETRYABLE, EnumSet.of(FailureClass.HTTP_4XX), EnumSet.of(FailureClass.HTTP_5XX, FailureClass.CT));
        int checked = 0;
        for (Set<FailureClass> rp : policies) {
            for (int rc = 0; rc <= 5; rc++) {
                CallbackPolicy policy = policy(rc, rp);
                for (FailureClass failure : FailureClass.values()) {
                    for (int attempts = 1; attempts <= 6; attempts++) {
                        for (OptionalLong remaining : remainings) {
                            for (boolean fallback : new boolean[] {false, true}) {
                                NextStep step = RetryDecider.afterFailure(policy, failure, attempts, remaining, fallback);
                                boolean timeLeft = remaining.isEmpty() || remaining.getAsLong() > 0;
                                boolean shouldRetry = rp.contains(failure) && failure != FailureClass.PARTIAL
                                        && attempts <= rc && timeLeft;
                                if (shouldRetry) {
                                    assertThat(step).isInstanceOf(NextStep.Retry.class);
                                    NextStep.Retry retry = (NextStep.Retry) step;
                                    assertThat(retry.attempt()).isEqualTo(attempts + 1);
                                    assertThat(retry.attempt()).isLessThanOrEqualTo(rc + 1);
                                    AttemptBudget budget = retry.budget();
                                    assertThat(budget.connectTimeoutMs()).isLessThanOrEqualTo(policy.connectTimeoutMs());
                                    assertThat(budget.readTimeoutMs()).isLessThanOrEqualTo(policy.readTimeoutMs());
                                    if (remaining.isPresent()) {
                                        assertThat(budget.connectTimeoutMs()).isLessThanOrEqualTo(remaining.getAsLong());
                                        assertThat(budget.readTimeoutMs()).isLessThanOrEqualTo(remaining.getAsLong());
                                        assertThat(budget.deadlineMs()).hasValue(remaining.getAsLong());
                                    } else {
                                        assertThat(budget.deadlineMs()).isEmpty();
                                    }
                                } else {
                                    assertThat(step).isInstanceOf(fallback ? NextStep.FallBack.class : NextStep.Stop.class);
                                }
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(4 * 6 * 6 * 6 * 6 * 2);
    }

    @Test
    void ttCutsTheTimeoutsOfTheLastAttempt() {
        CallbackPolicy policy = policy(3, EnumSet.of(FailureClass.RT));
        NextStep.Retry retry = (NextStep.Retry) RetryDecider.afterFailure(policy, FailureClass.RT, 2, OptionalLong.of(1200), false);
        assertThat(retry.budget()).isEqualTo(new AttemptBudget(1200, 1200, OptionalLong.of(1200)));
        NextStep.Retry roomy = (NextStep.Retry) RetryDecider.afterFailure(policy, FailureClass.RT, 1, OptionalLong.of(9000), false);
        assertThat(roomy.budget()).isEqualTo(new AttemptBudget(2000, 3000, OptionalLong.of(9000)));
    }

    @Test
    void theFirstAttemptHasTheWholeOfTt() {
        CallbackPolicy policy = new CallbackPolicy(5000, 30_000, OptionalInt.of(4000), 1, EnumSet.of(FailureClass.CT), EdgeRegion.NEAREST);
        assertThat(AttemptBudget.first(policy)).isEqualTo(new AttemptBudget(4000, 4000, OptionalLong.of(4000)));
        assertThat(AttemptBudget.first(CallbackPolicy.AUDIO)).isEqualTo(new AttemptBudget(2000, 120_000, OptionalLong.empty()));
    }

    private static Set<FailureClass> parseRp(String rp) {
        Set<FailureClass> set = EnumSet.noneOf(FailureClass.class);
        for (String word : rp.split("\\|")) {
            set.add(FailureClass.fromWireName(word).orElseThrow());
        }
        return set;
    }

    private static String describe(NextStep step) {
        if (step instanceof NextStep.Retry) {
            return "retry";
        }
        if (step instanceof NextStep.FallBack fallBack) {
            return "fallback:" + fallBack.reason().wireName();
        }
        return "stop:" + ((NextStep.Stop) step).reason().wireName();
    }
}
