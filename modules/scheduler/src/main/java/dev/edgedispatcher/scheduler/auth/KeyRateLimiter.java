package dev.edgedispatcher.scheduler.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** One token bucket per API key id; thread-safe. Time comes from the given nanosecond clock. */
public final class KeyRateLimiter {

    private final RateLimit limit;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public KeyRateLimiter(RateLimit limit, LongSupplier nanoClock) {
        this.limit = limit;
        this.nanoClock = nanoClock;
    }

    public RateLimit limit() {
        return limit;
    }

    /**
     * Takes {@code cost} tokens from the key's bucket, all or none: 0 when granted, else the
     * milliseconds until they would be there (nothing is taken then). A cost above the burst is
     * never granted: callers split such work first ({@link #burstOf}).
     */
    public long tryTake(String keyId, int cost) {
        int tokens = Math.max(cost, 1);
        if (tokens > limit.burst()) {
            return Long.MAX_VALUE;
        }
        return buckets.computeIfAbsent(keyId, id -> new Bucket(limit.burst(), nanoClock.getAsLong()))
                .tryTake(tokens, nanoClock.getAsLong());
    }

    /** The most tokens one {@link #tryTake} can be granted: the bucket's burst. */
    public int burstOf() {
        return limit.burst();
    }

    /** What {@link #takeUpTo} granted: {@code granted} tokens, and the wait for one more when fewer than asked. */
    public record Grant(int granted, long waitMs) {
    }

    /**
     * Takes as many of {@code wanted} tokens as the bucket holds, one per job, without the burst cap
     * of {@link #tryTake}: a batch of 1,000 costs 1,000. The jobs past {@code granted} are refused.
     */
    public Grant takeUpTo(String keyId, int wanted) {
        return buckets.computeIfAbsent(keyId, id -> new Bucket(limit.burst(), nanoClock.getAsLong()))
                .takeUpTo(Math.max(wanted, 0), nanoClock.getAsLong());
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        /** Adds what the time since the last refill earned, up to the burst. Called holding the lock. */
        private void refill(long now) {
            tokens = Math.min(limit.burst(), tokens + (now - refilledAt) / 1e9 * limit.perSecond());
            refilledAt = now;
        }

        synchronized long tryTake(int cost, long now) {
            refill(now);
            if (tokens >= cost) {
                tokens -= cost;
                return 0;
            }
            return (long) Math.ceil((cost - tokens) / limit.perSecond() * 1000);
        }

        synchronized Grant takeUpTo(int wanted, long now) {
            refill(now);
            int granted = (int) Math.min(wanted, Math.floor(tokens));
            tokens -= granted;
            long waitMs = granted < wanted ? (long) Math.ceil((1 - tokens) / limit.perSecond() * 1000) : 0;
            return new Grant(granted, waitMs);
        }
    }
}
