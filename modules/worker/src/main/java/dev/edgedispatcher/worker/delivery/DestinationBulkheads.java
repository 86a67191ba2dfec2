package dev.edgedispatcher.worker.delivery;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Caps how many attempts any one destination has in flight, so a slow one cannot take every
 * connection: the delivery engine keys it by host (whatever the port), {@link HttpAttempt} by
 * resolved address. The permits are Resilience4j semaphore bulkheads (never blocking:
 * {@code tryAcquirePermission}); callers over the cap wait in a FIFO queue per destination and are
 * woken, on their own context, when a permit is released. A destination's bulkhead and queue are
 * removed as soon as nothing holds or waits for them, so memory follows the destinations in use,
 * not every destination ever seen. One lock guards the bulkheads in use and the queues: the
 * sections are a few field updates long.
 */
public final class DestinationBulkheads {

    /** A held permit; release it exactly once when the attempt ends. */
    public interface Permit {
        void release();
    }

    private record Waiter(Context context, Promise<Permit> promise) {
    }

    private final Vertx vertx;
    private final int maxConcurrentPerDestination;
    private final BulkheadConfig config;
    /**
     * The bulkheads held or waited for, by destination. Not Resilience4j's registry: its lookup
     * builds a map of tags on every call (a twentieth of the delivery loops' allocation).
     */
    private final Map<String, Bulkhead> inUse = new HashMap<>();
    private final Map<String, ArrayDeque<Waiter>> waiting = new HashMap<>();

    public DestinationBulkheads(Vertx vertx, int maxConcurrentPerDestination) {
        this.vertx = vertx;
        this.maxConcurrentPerDestination = maxConcurrentPerDestination;
        this.config = BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentPerDestination)
                .maxWaitDuration(Duration.ZERO)
                .build();
    }

    /**
     * Completes {@code promise} (on the caller's context) with a permit for {@code destination}. The
     * caller may give up by failing the promise first; a permit handed to it later is released.
     */
    public void acquire(String destination, Promise<Permit> promise) {
        Permit permit;
        synchronized (this) {
            Bulkhead bulkhead = inUse.get(destination);
            if (bulkhead == null) {
                bulkhead = Bulkhead.of(destination, config);
                inUse.put(destination, bulkhead);
            }
            ArrayDeque<Waiter> queue = waiting.get(destination);
            if ((queue != null && !queue.isEmpty()) || !bulkhead.tryAcquirePermission()) {
                waiting.computeIfAbsent(destination, key -> new ArrayDeque<>())
                        .add(new Waiter(vertx.getOrCreateContext(), promise));
                return;
            }
            permit = permit(destination, bulkhead);
        }
        if (!promise.tryComplete(permit)) {
            permit.release();
        }
    }

    /** Destinations with a bulkhead right now (held or waited for); the rest were evicted. */
    public synchronized int destinations() {
        return inUse.size();
    }

    private Permit permit(String destination, Bulkhead bulkhead) {
        return new Permit() {
            private boolean released;

            @Override
            public void release() {
                if (released) {
                    return;
                }
                released = true;
                handOver(destination, bulkhead);
            }
        };
    }

    private void handOver(String destination, Bulkhead bulkhead) {
        Waiter next;
        Permit permit;
        synchronized (this) {
            bulkhead.releasePermission();
            ArrayDeque<Waiter> queue = waiting.get(destination);
            if (queue == null || queue.isEmpty()) {
                waiting.remove(destination);
                if (bulkhead.getMetrics().getAvailableConcurrentCalls() == maxConcurrentPerDestination) {
                    inUse.remove(destination); // idle: forget it
                }
                return;
            }
            if (!bulkhead.tryAcquirePermission()) {
                return;
            }
            next = queue.poll();
            permit = permit(destination, bulkhead);
        }
        next.context().runOnContext(run -> {
            if (!next.promise().tryComplete(permit)) {
                permit.release(); // the waiter gave up (its tt expired)
            }
        });
    }
}
