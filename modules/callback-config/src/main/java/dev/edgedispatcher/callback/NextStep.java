package dev.edgedispatcher.callback;

import java.util.Objects;

/** What to do after a failed attempt: retry the same URL, move to the fallback URL, or stop. */
public sealed interface NextStep {

    /** Why no further attempt is made on this URL. */
    enum StopReason {
        /** The failure class is not in rp (3xx is never in rp). */
        NOT_IN_RETRY_POLICY("not_in_retry_policy"),
        /** A partial response is never retried. */
        PARTIAL_NEVER_RETRIED("partial_never_retried"),
        /** rc retries have been made. */
        RETRIES_EXHAUSTED("retries_exhausted"),
        /** No time is left of tt. */
        TOTAL_TIMEOUT_EXPIRED("total_timeout_expired");

        private final String wireName;

        StopReason(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Make attempt number {@code attempt} (1-based) on the same URL within {@code budget}. */
    record Retry(int attempt, AttemptBudget budget) implements NextStep {
        public Retry {
            Objects.requireNonNull(budget, "budget");
        }
    }

    /** The primary URL is done; request the fallback URL. */
    record FallBack(StopReason reason) implements NextStep {
        public FallBack {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** No further request for this job: it has failed. */
    record Stop(StopReason reason) implements NextStep {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
