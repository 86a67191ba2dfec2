package dev.edgedispatcher.worker.dispatch;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many deliveries a worker process runs at once, over all its regions: each holds at most one
 * connection at a time, so with this no larger than the connection cap a started delivery seldom
 * waits for a connection; and no new one starts while the event loops lag ({@link EventLoopLag}).
 * Jobs held back stay with their region's dispatcher, with no timer running.
 */
public final class DeliverySlots {

    /** Deliveries always allowed, lag or not: the worker never stops making progress. */
    static final int ALWAYS_ALLOWED = 32;

    private final int limit;
    private final EventLoopLag lag;
    private final AtomicInteger used = new AtomicInteger();

    /** {@code lag}: while the event loops lag, no more than {@link #ALWAYS_ALLOWED} deliveries start. */
    public DeliverySlots(int limit, EventLoopLag lag) {
        if (limit < 1) {
            throw new IllegalArgumentException("the delivery slot limit must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.lag = lag;
    }

    boolean tryTake() {
        while (true) {
            int now = used.get();
            if (now >= limit || (now >= ALWAYS_ALLOWED && lag.overloaded())) {
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void give() {
        used.decrementAndGet();
    }

    public int used() {
        return used.get();
    }
}
