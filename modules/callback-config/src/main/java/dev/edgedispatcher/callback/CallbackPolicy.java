package dev.edgedispatcher.callback;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The effective callback configuration of one URL: timeouts, retries and edge region. See
 * docs/callbacks.md, "The callback fragment".
 *
 * @param connectTimeoutMs ct: TCP connect plus TLS handshake of one attempt
 * @param readTimeoutMs rt: request sent to first response byte, and the longest gap between packets
 * @param totalTimeoutMs tt: deadline over all attempts on this URL; empty for audio kinds (no limit
 *     beyond the attempts themselves)
 * @param retryCount rc: attempts after the first
 * @param retryOn rp: failure classes that are retried, a subset of {@link FailureClass#RETRYABLE}
 * @param edgeRegion er: where the request leaves from
 */
public record CallbackPolicy(
        int connectTimeoutMs,
        int readTimeoutMs,
        OptionalInt totalTimeoutMs,
        int retryCount,
        Set<FailureClass> retryOn,
        EdgeRegion edgeRegion) {

    /** What an applicable URL without a fragment gets. */
    public static final CallbackPolicy DEFAULT = new CallbackPolicy(
            2000, 40_000, OptionalInt.of(55_000), 1, EnumSet.of(FailureClass.CT, FailureClass.RT), EdgeRegion.NEAREST);

    /** The fixed policy of audio kinds: the fragment is ignored, requests go out from {@code local}. */
    public static final CallbackPolicy AUDIO = new CallbackPolicy(
            2000, 120_000, OptionalInt.empty(), 1, FailureClass.RETRYABLE, EdgeRegion.LOCAL);

    public CallbackPolicy {
        Objects.requireNonNull(totalTimeoutMs, "totalTimeoutMs");
        Objects.requireNonNull(edgeRegion, "edgeRegion");
        Objects.requireNonNull(retryOn, "retryOn");
        if (connectTimeoutMs <= 0 || readTimeoutMs <= 0 || retryCount < 0) {
            throw new IllegalArgumentException("timeouts must be positive and the retry count not negative");
        }
        if (retryOn.isEmpty() || !FailureClass.RETRYABLE.containsAll(retryOn)) {
            throw new IllegalArgumentException("retryOn must be a non-empty subset of 4xx, 5xx, ct, rt: " + retryOn);
        }
        retryOn = Collections.unmodifiableSet(EnumSet.copyOf(retryOn));
    }

    /** At most this many attempts are made on the URL (the first plus {@code rc} retries). */
    public int maxAttempts() {
        return retryCount + 1;
    }

    public boolean retries(FailureClass failureClass) {
        return retryOn.contains(failureClass);
    }

    /** The rp words in canonical order ({@code all} expanded), e.g. {@code [5xx, ct]}. */
    public List<String> retryOnWireNames() {
        return retryOn.stream().map(FailureClass::wireName).collect(Collectors.toUnmodifiableList());
    }

    /**
     * This policy written as a fragment body (without the {@code #}), every key explicit. For a policy
     * of an applicable kind, {@link FragmentParser} reads it back to an equal policy.
     */
    public String toFragment() {
        StringJoiner pairs = new StringJoiner("&");
        pairs.add("ct=" + connectTimeoutMs);
        pairs.add("rt=" + readTimeoutMs);
        totalTimeoutMs.ifPresent(tt -> pairs.add("tt=" + tt));
        pairs.add("rc=" + retryCount);
        pairs.add("rp=" + String.join(",", retryOnWireNames()));
        pairs.add("er=" + edgeRegion.wireName());
        return pairs.toString();
    }
}
