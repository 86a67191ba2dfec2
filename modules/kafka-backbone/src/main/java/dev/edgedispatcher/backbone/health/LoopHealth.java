package dev.edgedispatcher.backbone.health;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Health of one long-running loop (the intake, the job store's sink, the workers' consumer loops)
 * as the loop itself reports it: it beats on every turn, says whether its last Kafka call worked,
 * and says when it stopped. Live while it beats within {@code stallAfterMs} and has not died; ready
 * while live and its last Kafka call worked. Written by the loop's thread, read by probes: fields
 * are volatile.
 */
public final class LoopHealth implements HealthComponent {

    private final String name;
    private final long stallAfterNanos;
    private final LongSupplier nanoClock;
    private volatile long lastBeat;
    private volatile String kafkaProblem = "not connected to Kafka yet";
    private volatile String deadBecause;

    public LoopHealth(String name, long stallAfterMs) {
        this(name, stallAfterMs, System::nanoTime);
    }

    LoopHealth(String name, long stallAfterMs, LongSupplier nanoClock) {
        this.name = name;
        this.stallAfterNanos = TimeUnit.MILLISECONDS.toNanos(stallAfterMs);
        this.nanoClock = nanoClock;
        this.lastBeat = nanoClock.getAsLong();
    }

    @Override
    public String name() {
        return name;
    }

    /** The loop completed a turn (whatever its outcome). */
    public void beat() {
        lastBeat = nanoClock.getAsLong();
    }

    /** The loop's last Kafka call succeeded. */
    public void kafkaOk() {
        kafkaProblem = null;
        beat();
    }

    /** The loop's last Kafka call failed; it will retry. */
    public void kafkaFailing(String problem) {
        kafkaProblem = problem;
        beat();
    }

    /** The loop ended and will not run again (a clean stop counts too: nothing serves any more). */
    public void stopped(String why) {
        deadBecause = why;
    }

    /** Like {@link #stopped}, keeping the first reason when there already is one (a fatal error before the cleanup). */
    public void stoppedUnlessAlready(String why) {
        if (deadBecause == null) {
            deadBecause = why;
        }
    }

    @Override
    public ComponentStatus liveness() {
        if (deadBecause != null) {
            return ComponentStatus.down("stopped: " + deadBecause);
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - lastBeat);
        if (silentMs > TimeUnit.NANOSECONDS.toMillis(stallAfterNanos)) {
            return ComponentStatus.down("no progress for " + silentMs + " ms");
        }
        return ComponentStatus.up(kafkaProblem == null ? "running" : "running, retrying: " + kafkaProblem);
    }

    @Override
    public ComponentStatus readiness() {
        ComponentStatus live = liveness();
        if (!live.up()) {
            return live;
        }
        String problem = kafkaProblem;
        return problem == null ? ComponentStatus.up("connected") : ComponentStatus.down(problem);
    }
}
