package dev.edgedispatcher.worker.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientConnection;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP/1.1 connections of one event loop, owned by us rather than by Vert.x's pool so that (a)
 * the number of open connections is capped whatever the number of destinations, idle ones being
 * closed least recently used first and after an idle timeout, and (b) a connect's ct timer can start
 * when the connect really starts, never while the attempt waits for a slot. Confined to its event
 * loop: every method runs on it, so there are no locks.
 */
final class ConnectionPool {

    /** Connections are reused only for the same name, resolved address, port and scheme (TLS identity). */
    record Key(String host, InetAddress address, int port, boolean ssl) {
    }

    /** A connection lent to one attempt; give it back exactly once. */
    final class Lease {
        private final Pooled pooled;
        private final boolean reused;
        private boolean returned;

        private Lease(Pooled pooled, boolean reused) {
            this.pooled = pooled;
            this.reused = reused;
        }

        HttpClientConnection connection() {
            return pooled.connection;
        }

        /** Whether the connection served an earlier attempt (it may have been closed by the server since). */
        boolean reused() {
            return reused;
        }

        /** Back to the pool when the exchange finished cleanly and may be followed by another, else closed. */
        void release(boolean reusable) {
            if (returned) {
                return;
            }
            returned = true;
            giveBack(pooled, reusable);
        }
    }

    private static final class Pooled {
        final Key key;
        final HttpClientConnection connection;
        /** We asked to close it, or it closed: never lend it again. */
        boolean closed;
        /** Its close handler ran: the socket is gone and no longer counted. */
        boolean gone;
        long idleSince;

        Pooled(Key key, HttpClientConnection connection) {
            this.key = key;
            this.connection = connection;
        }
    }

    /** An attempt waiting for a connection: in {@link #waiters} and in its key's queue until served. */
    private static final class Waiter {
        final Key key;
        final Supplier<Future<HttpClientConnection>> connector;
        final Promise<Lease> promise;
        /** Given a connection (or a connect) through one of the two queues; the other drops it when met. */
        boolean served;

        Waiter(Key key, Supplier<Future<HttpClientConnection>> connector, Promise<Lease> promise) {
            this.key = key;
            this.connector = connector;
            this.promise = promise;
        }

        /** Served, or gave up (its tt ran out): nothing more to do for it. */
        boolean gone() {
            return served || promise.future().isComplete();
        }
    }

    private final ConnectionLimits limits;
    private final Map<Key, ArrayDeque<Pooled>> idleByKey = new HashMap<>();
    private final LinkedHashSet<Pooled> idleOldestFirst = new LinkedHashSet<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /**
     * The same waiters by key, so that a connection coming back finds the first waiter for its
     * destination without scanning everyone waiting for others (a linear scan was 4% of the event
     * loops' time in the pipeline profile).
     */
    private final Map<Key, ArrayDeque<Waiter>> waitersByKey = new HashMap<>();
    /** Waiters served through their key's queue since {@link #waiters} was last compacted. */
    private int servedOutOfOrder;
    /** Sockets: connecting, in use, idle and closing (counted until their close handler runs). */
    private int open;
    private int connecting;
    private int closing;

    /** Must be created on the event loop it serves (its idle sweeper runs there). */
    ConnectionPool(Vertx vertx, ConnectionLimits limits) {
        this.limits = limits;
        vertx.setPeriodic(Math.max(50, Math.min(1000, limits.idleTimeoutMs() / 4)), id -> closeExpiredIdle());
    }

    /**
     * Completes {@code promise} with an idle connection for {@code key}, or with a new one from
     * {@code connector} (called only when the connect really starts), or fails it with the connect's
     * error. The caller may give up by failing the promise first; a connection handed over later
     * then returns to the pool.
     */
    void acquire(Key key, Supplier<Future<HttpClientConnection>> connector, Promise<Lease> promise) {
        Waiter waiter = new Waiter(key, connector, promise);
        waiters.add(waiter);
        waitersByKey.computeIfAbsent(key, k -> new ArrayDeque<>()).add(waiter);
        pump();
    }

    int open() {
        return open;
    }

    int idle() {
        return idleOldestFirst.size();
    }


    /** Serves waiters in arrival order while connections or connect slots allow. */
    private void pump() {
        while (!waiters.isEmpty()) {
            Waiter next = waiters.peek();
            if (next.gone()) {
                waiters.poll(); // served through its key's queue, or gave up
                trimKeyQueue(next.key);
                continue;
            }
            Pooled idle = takeIdle(next.key);
            if (idle != null) {
                waiters.poll();
                serve(next);
                hand(next.promise, new Lease(idle, true));
                continue;
            }
            if (connecting >= limits.maxConnecting()) {
                return;
            }
            if (open >= limits.maxConnections()) {
                if (closing == 0 && !idleOldestFirst.isEmpty()) {
                    // Make room; the connect follows once the socket is really closed (onClosed pumps).
                    evict(idleOldestFirst.iterator().next());
                }
                return; // else every connection is busy: wait for one to come back or close
            }
            waiters.poll();
            serve(next);
            connect(next);
        }
    }

    private void serve(Waiter waiter) {
        waiter.served = true;
        trimKeyQueue(waiter.key);
    }

    /** Drops served and abandoned waiters from the head of {@code key}'s queue, and the queue when empty. */
    private void trimKeyQueue(Key key) {
        ArrayDeque<Waiter> queue = waitersByKey.get(key);
        if (queue == null) {
            return;
        }
        while (!queue.isEmpty() && queue.peek().gone()) {
            queue.poll();
        }
        if (queue.isEmpty()) {
            waitersByKey.remove(key);
        }
    }

    private void connect(Waiter waiter) {
        open++;
        connecting++;
        Future<HttpClientConnection> connected;
        try {
            connected = waiter.connector.get();
        } catch (RuntimeException e) {
            connected = Future.failedFuture(e);
        }
        connected.onComplete(result -> {
            connecting--;
            if (result.failed()) {
                open--;
                waiter.promise.tryFail(result.cause());
            } else {
                Pooled pooled = new Pooled(waiter.key, result.result());
                result.result().closeHandler(closed -> onClosed(pooled));
                hand(waiter.promise, new Lease(pooled, false));
            }
            pump();
        });
    }

    private void hand(Promise<Lease> promise, Lease lease) {
        if (!promise.tryComplete(lease)) {
            lease.release(true); // the attempt ended meanwhile; the connection is still good
        }
    }

    private Pooled takeIdle(Key key) {
        ArrayDeque<Pooled> idle = idleByKey.get(key);
        while (idle != null && !idle.isEmpty()) {
            Pooled pooled = idle.pollLast(); // the most recently used: the least likely to be closed by the server
            idleOldestFirst.remove(pooled);
            if (idle.isEmpty()) {
                idleByKey.remove(key);
            }
            if (!pooled.closed) {
                return pooled;
            }
        }
        return null;
    }

    private void giveBack(Pooled pooled, boolean reusable) {
        if (!reusable || pooled.closed) {
            close(pooled);
        } else if (handToWaiterFor(pooled)) {
            return;
        } else {
            pooled.idleSince = System.nanoTime();
            idleByKey.computeIfAbsent(pooled.key, key -> new ArrayDeque<>()).addLast(pooled);
            idleOldestFirst.add(pooled);
        }
        pump();
    }

    /** A connection coming back goes straight to the first waiter for its destination, if any. */
    private boolean handToWaiterFor(Pooled pooled) {
        trimKeyQueue(pooled.key);
        ArrayDeque<Waiter> queue = waitersByKey.get(pooled.key);
        if (queue == null) {
            return false;
        }
        Waiter waiter = queue.poll(); // not gone: trimmed above; the main queue drops it when met
        waiter.served = true;
        trimKeyQueue(pooled.key);
        // While the head of the main queue waits (every connection busy, none idle), the waiters served
        // here stay behind it, each holding its attempt: compact once they are half the queue.
        if (++servedOutOfOrder > Math.max(64, waiters.size() / 2)) {
            waiters.removeIf(Waiter::gone);
            servedOutOfOrder = 0;
        }
        hand(waiter.promise, new Lease(pooled, true));
        return true;
    }

    private void evict(Pooled pooled) {
        removeIdle(pooled);
        close(pooled);
    }

    /** Closes it; it stays counted until its close handler runs, so open sockets never exceed the cap. */
    private void close(Pooled pooled) {
        if (!pooled.closed) {
            pooled.closed = true;
            closing++;
            pooled.connection.close();
        }
    }

    private void onClosed(Pooled pooled) {
        if (pooled.gone) {
            return;
        }
        pooled.gone = true;
        if (pooled.closed) {
            closing--; // a close we asked for
        }
        pooled.closed = true;
        removeIdle(pooled);
        open--;
        // The close handler runs while the channel is still being closed: let that finish (its
        // descriptor released) before a waiter opens a new one in its place.
        Vertx.currentContext().runOnContext(next -> pump());
    }

    private void removeIdle(Pooled pooled) {
        if (idleOldestFirst.remove(pooled)) {
            ArrayDeque<Pooled> idle = idleByKey.get(pooled.key);
            if (idle != null) {
                idle.remove(pooled);
                if (idle.isEmpty()) {
                    idleByKey.remove(pooled.key);
                }
            }
        }
    }

    private void closeExpiredIdle() {
        long cutoff = System.nanoTime() - limits.idleTimeoutMs() * 1_000_000;
        List<Pooled> expired = new ArrayList<>();
        for (Pooled pooled : idleOldestFirst) {
            if (pooled.idleSince - cutoff > 0) {
                break; // the rest went idle later
            }
            expired.add(pooled);
        }
        expired.forEach(this::evict);
        if (!expired.isEmpty()) {
            pump();
        }
    }
}
