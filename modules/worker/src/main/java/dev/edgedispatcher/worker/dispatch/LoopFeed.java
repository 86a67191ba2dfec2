package dev.edgedispatcher.worker.dispatch;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands items from another thread to one event loop a slice at a time, so that a due timer never
 * waits behind a burst of new work (docs/callbacks.md, "Timer precision under load").
 *
 * <p>Why: Netty 4.2's event loop runs its task queue, including tasks added while it runs, for up
 * to a second before it looks at I/O and at timers that came due meanwhile (those are appended to
 * the queue's tail only at the next turn). One {@code runOnContext} per admitted job let a consumer
 * thread admitting thousands of jobs keep a loop in that phase, and an rt timer fired hundreds of
 * milliseconds late. Here at most one task per loop is queued: it runs up to {@link #SLICE} items,
 * then, if more are waiting, continues from a 1 ms timer, which lets the loop finish its turn, read
 * its sockets and run every timer that came due first.
 */
final class LoopFeed<T> {

    private static final Logger LOG = LoggerFactory.getLogger(LoopFeed.class);
    /** Items started per turn of the loop: about a millisecond of work each time. */
    static final int SLICE = 32;

    private final Context loop;
    private final Consumer<T> handler;
    private final ConcurrentLinkedQueue<T> waiting = new ConcurrentLinkedQueue<>();
    /** A drain is queued or running: no second one is queued. */
    private final AtomicBoolean armed = new AtomicBoolean();

    LoopFeed(Context loop, Consumer<T> handler) {
        this.loop = loop;
        this.handler = handler;
    }

    /** From any thread: {@code item} is handled on the loop, after the items added before it. */
    void add(T item) {
        waiting.add(item);
        if (armed.compareAndSet(false, true)) {
            loop.runOnContext(start -> drain());
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < SLICE; i++) {
                T item = waiting.poll();
                if (item == null) {
                    break;
                }
                try {
                    handler.accept(item);
                } catch (RuntimeException e) {
                    // The handler ends its own failures as outcomes; this is a bug, and the next item still runs.
                    LOG.error("handing an item to the event loop threw", e);
                }
            }
        } finally {
            // Even after an Error: the feed goes on with the next items (or disarms).
            continueOrDisarm();
        }
    }

    private void continueOrDisarm() {
        if (waiting.isEmpty()) {
            armed.set(false);
            // An item added between the last poll and the reset found the drain armed: take it now.
            if (waiting.isEmpty() || !armed.compareAndSet(false, true)) {
                return;
            }
        }
        loop.owner().setTimer(1, next -> drain());
    }
}
