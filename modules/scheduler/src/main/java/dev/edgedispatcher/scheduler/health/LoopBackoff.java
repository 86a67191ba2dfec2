package dev.edgedispatcher.scheduler.health;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The pause of a long-running loop after a failed turn: 100 ms, doubling up to 1 s, back to 100 ms
 * after a good turn. The loop never gives up; the failure is logged loudly (ERROR) but at most once a
 * second, with how many were left out, so an outage does not flood the log. One per loop thread.
 */
public final class LoopBackoff {

    private static final long FIRST_MS = 100;
    private static final long MAX_MS = 1000;

    private final Logger log;
    private final String loop;
    private long nextMs = FIRST_MS;
    private long lastLogNanos;
    private boolean logged;
    private int unlogged;

    public LoopBackoff(Logger log, String loop) {
        this.log = log;
        this.loop = loop;
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
        nextMs = Math.min(MAX_MS, nextMs * 2);
    }

    /** A turn worked: the next failure waits the shortest pause again. */
    public void succeeded() {
        if (nextMs != FIRST_MS) {
            log.info("{} works again", loop);
        }
        nextMs = FIRST_MS;
    }

    public static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
