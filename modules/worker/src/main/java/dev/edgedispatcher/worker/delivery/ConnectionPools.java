package dev.edgedispatcher.worker.delivery;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ConnectionPool} per event loop, each with its share of the process's
 * {@link ConnectionLimits}: attempts use the pool of the event-loop thread they run on, so pools
 * need no locks (every context of an event loop shares its thread). A pool is created on first use.
 */
public final class ConnectionPools {

    private final Vertx vertx;
    private final ConnectionLimits share;
    private final Map<Thread, ConnectionPool> pools = new ConcurrentHashMap<>();

    /** {@code eventLoops}: how many event loops deliver, each getting an equal share of the limits. */
    public ConnectionPools(Vertx vertx, ConnectionLimits limits, int eventLoops) {
        this.vertx = vertx;
        this.share = limits.share(eventLoops);
    }

    /** The pool of the calling event loop. */
    ConnectionPool current() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            throw new IllegalStateException("connections are used from an event loop only");
        }
        return pools.computeIfAbsent(Thread.currentThread(), thread -> new ConnectionPool(vertx, share));
    }

    /** Open connections over every pool (read from another thread: a moment's approximation, for metrics). */
    public int open() {
        return pools.values().stream().mapToInt(ConnectionPool::open).sum();
    }

    public int idle() {
        return pools.values().stream().mapToInt(ConnectionPool::idle).sum();
    }
}
