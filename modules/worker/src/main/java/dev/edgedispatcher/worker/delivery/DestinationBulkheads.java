package dev.edgedispatcher.worker.delivery;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps how many attempts any one destination ({@code host:port}) has in flight, so a slow host
 * cannot take the whole connection pool. The permits are Resilience4j semaphore bulkheads (never
 * blocking: {@code tryAcquirePermission}); callers over the cap wait in a FIFO queue per destination
 * and are woken, on their own context, when a permit is released.
 */
public final class DestinationBulkheads {

    /** A held permit; release it exactly once when the attempt ends. */
    public interface Permit {
        void release();
    }

    private record Waiter(Context context, Promise<Permit> promise) {
    }

    private final Vertx vertx;
    private final BulkheadRegistry registry;
    private final Map<String, ArrayDeque<Waiter>> waiting = new ConcurrentHashMap<>();

    public DestinationBulkheads(Vertx vertx, int maxConcurrentPerDestination) {
        this.vertx = vertx;
        this.registry = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentPerDestination)
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    /**
     * Completes {@code promise} (on the caller's context) with a permit for {@code destination}. The
     * caller may give up by failing the promise first; a permit handed to it later is released.
     */
    public void acquire(String destination, Promise<Permit> promise) {
        Bulkhead bulkhead = registry.bulkhead(destination);
        ArrayDeque<Waiter> queue = waiting.computeIfAbsent(destination, key -> new ArrayDeque<>());
        synchronized (queue) {
            if (queue.isEmpty() && bulkhead.tryAcquirePermission()) {
                Permit permit = permit(destination, bulkhead);
                if (!promise.tryComplete(permit)) {
                    permit.release();
                }
                return;
            }
            queue.add(new Waiter(vertx.getOrCreateContext(), promise));
        }
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
                bulkhead.releasePermission();
                handOver(destination, bulkhead);
            }
        };
    }

    private void handOver(String destination, Bulkhead bulkhead) {
        ArrayDeque<Waiter> queue = waiting.get(destination);
        Waiter next;
        synchronized (queue) {
            if (queue.isEmpty() || !bulkhead.tryAcquirePermission()) {
                return;
            }
            next = queue.poll();
        }
        Permit permit = permit(destination, bulkhead);
        next.context().runOnContext(run -> {
            if (!next.promise().tryComplete(permit)) {
                permit.release(); // the waiter gave up (its tt expired)
            }
        });
    }
}
