package dev.edgedispatcher.backbone.loop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The pause of a loop after a failed turn: {@code first}, doubling up to {@code max}, back to
 * {@code first} after a turn that worked. Logs a failure at most once a second (with how many were
 * not logged), so a loop retrying fast never floods the log.
 */
public final class Backoff {

    /** The loops' default: 100 ms doubling to 1 s. */
    public static final Duration DEFAULT_FIRST = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(1);

    private final Logger log;
    private final String loop;
    private final long firstMs;
    private final long maxMs;
    private long nextMs;
    private long lastLogNanos;
    private boolean logged;
    private int unlogged;

    public Backoff(Logger log, String loop) {
        this(log, loop, DEFAULT_FIRST, DEFAULT_MAX);
    }

    public Backoff(Logger log, String loop, Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, not first " + first + ", max " + max);
        }
        this.log = log;
        this.loop = loop;
        this.firstMs = first.toMillis();
        this.maxMs = max.toMillis();
        this.nextMs = firstMs;
    }

    /** Logs (rate-limited) and sleeps; throws InterruptedException when the thread is interrupted. */
    public void failed(String doing, Throwable error) throws InterruptedException {
        long now = System.nanoTime();
        if (!logged || now - lastLogNanos >= TimeUnit.SECONDS.toNanos(1)) {
            log.error("{} failed while {} ({}); retrying in {} ms{}", loop, doing, describe(error), nextMs,
                    unlogged == 0 ? "" : " (" + unlogged + " more failures since the last line)");
            lastLogNanos = now;
            logged = true;
            unlogged = 0;
        } else {
            unlogged++;
        }
        Thread.sleep(nextMs);
        nextMs = Math.min(maxMs, nextMs * 2);
    }

    /** A turn worked: the next failure waits the shortest pause again. */
    public void succeeded() {
        if (nextMs != firstMs) {
            log.info("{} works again", loop);
        }
        nextMs = firstMs;
    }

    /** The pause the next failure waits, in milliseconds. */
    public long nextMs() {
        return nextMs;
    }

    /** A failure as one line: its class and message, unwrapped from completion and execution wrappers. */
    public static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
