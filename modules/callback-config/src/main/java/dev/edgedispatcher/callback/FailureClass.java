package dev.edgedispatcher.callback;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Why one delivery attempt failed (docs/callbacks.md, "Delivery semantics"). Only the first four
 * can be named in {@code rp}; the declaration order is the canonical order used when a policy is
 * printed.
 */
public enum FailureClass {
    HTTP_4XX("4xx", true),
    HTTP_5XX("5xx", true),
    /** DNS failure, refused, reset or timeout while connecting (TCP + TLS), or a blocked address. */
    CT("ct", true),
    /** Read timeout expired before the status line arrived. */
    RT("rt", true),
    /** Redirects are not followed; a 3xx is a failure, never retried. */
    HTTP_3XX("3xx", false),
    /** Status line received, then the body stalled past rt or the connection broke. Never retried. */
    PARTIAL("partial", false);

    /** What {@code rp=all} means. */
    public static final Set<FailureClass> RETRYABLE =
            Collections.unmodifiableSet(EnumSet.of(HTTP_4XX, HTTP_5XX, CT, RT));

    private final String wireName;
    private final boolean nameableInRetryPolicy;

    FailureClass(String wireName, boolean nameableInRetryPolicy) {
        this.wireName = wireName;
        this.nameableInRetryPolicy = nameableInRetryPolicy;
    }

    public String wireName() {
        return wireName;
    }

    public boolean nameableInRetryPolicy() {
        return nameableInRetryPolicy;
    }

    public static Optional<FailureClass> fromWireName(String name) {
        for (FailureClass failureClass : values()) {
            if (failureClass.wireName.equals(name)) {
                return Optional.of(failureClass);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
