package dev.edgedispatcher.worker.dispatch;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many deliveries a worker process runs at once, over all its regions: each holds at most one
 * connection at a time, so with this no larger than the connection cap a started delivery seldom
 * waits for a connection. Jobs beyond it stay with their region's dispatcher, with no timer running.
 */
public final class DeliverySlots {

    private final int limit;
    private final AtomicInteger used = new AtomicInteger();

    public DeliverySlots(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the delivery slot limit must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    boolean tryTake() {
        while (true) {
            int now = used.get();
            if (now >= limit) {
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

    public int limit() {
        return limit;
    }
}
