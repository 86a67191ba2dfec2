package dev.edgedispatcher.worker.dispatch;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How late each delivery event loop runs its timers, measured by the loop itself: a 10 ms timer,
 * armed again each time it fires, notes how far past its due time it fired. While nobody has asked
 * for a second (admission asks only with {@link DeliverySlots#ALWAYS_ALLOWED} deliveries running),
 * the timer is armed for {@value #QUIET_PERIOD_MS} ms instead: an idle worker then wakes its loops
 * 10 times a second, not 100, and the first question after a quiet spell still gets a lateness
 * measured within the last {@value #QUIET_PERIOD_MS} ms (lateness does not depend on the period). Timeouts (within 50 ms, docs/callbacks.md,
 * "Delivery semantics") are only as exact as the loop is punctual, so admission holds new
 * deliveries back while any loop lags more than {@link #OVERLOADED_MS}: a backlog then waits
 * un-started instead of making every running timer late.
 */
public final class EventLoopLag {

    static final long PERIOD_MS = 10;
    static final long QUIET_PERIOD_MS = 100;
    private static final long QUIET_AFTER_NANOS = 1_000_000_000L;
    /** Half of the 50 ms timer precision promised in docs/callbacks.md, "Delivery semantics". */
    static final long OVERLOADED_MS = 25;

    private final AtomicLongArray lagMs;
    /** When {@link #overloaded()} was last asked (System.nanoTime()), written at most every 100 ms. */
    private volatile long askedAt = System.nanoTime();

    private EventLoopLag(int loops) {
        this.lagMs = new AtomicLongArray(loops);
    }

    /** Starts measuring on each of {@code loops}. */
    public static EventLoopLag watch(Vertx vertx, List<Context> loops) {
        EventLoopLag lag = new EventLoopLag(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            loops.get(i).runOnContext(start -> lag.tick(vertx, index));
        }
        return lag;
    }

    /**
     * A one-shot timer, armed again when it fires: its lateness is exactly what a ct or rt timer
     * armed at the same moment would suffer. (A periodic timer would catch up after a stall with
     * ticks fired back to back, and the last tick, read here, would look punctual.)
     */
    private void tick(Vertx vertx, int index) {
        long now = System.nanoTime();
        long period = now - askedAt < QUIET_AFTER_NANOS ? PERIOD_MS : QUIET_PERIOD_MS;
        long due = now + period * 1_000_000;
        vertx.setTimer(period, id -> {
            lagMs.set(index, Math.max(0, (System.nanoTime() - due) / 1_000_000));
            tick(vertx, index);
        });
    }

    public boolean overloaded() {
        long now = System.nanoTime();
        if (now - askedAt > QUIET_AFTER_NANOS / 10) {
            askedAt = now;
        }
        return worstMs() > OVERLOADED_MS;
    }

    /** The largest lag seen at the last tick of any loop. */
    public long worstMs() {
        long worst = 0;
        for (int i = 0; i < lagMs.length(); i++) {
            worst = Math.max(worst, lagMs.get(i));
        }
        return worst;
    }
}
