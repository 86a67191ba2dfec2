package dev.edgedispatcher.scheduler.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory one scheduler process lets request bodies take while they are read and parsed
 * (docs/operations.md, "Front door limits"). A request reserves its declared length (or its route's
 * limit, when the length is not declared) before its body is read, and gives it back when its
 * response ends; past the budget it is answered {@code 503 overloaded} with {@code Retry-After},
 * without its body being read. Concurrent large bodies then cost a retry, not the process.
 */
public final class BodyBudget {

    private final long total;
    private final AtomicLong available;

    public BodyBudget(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("a body budget of " + bytes + " bytes is not allowed: use a positive size");
        }
        this.total = bytes;
        this.available = new AtomicLong(bytes);
    }

    /** A default for this JVM: an eighth of its maximum heap, at least 64 MiB. */
    public static BodyBudget forThisHeap() {
        return new BodyBudget(Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 8));
    }

    /** Takes {@code bytes}, or nothing and false when fewer are left. */
    boolean tryReserve(long bytes) {
        while (true) {
            long left = available.get();
            if (left < bytes) {
                return false;
            }
            if (available.compareAndSet(left, left - bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        available.addAndGet(bytes);
    }

    public long total() {
        return total;
    }

    public long inUse() {
        return total - available.get();
    }
}
