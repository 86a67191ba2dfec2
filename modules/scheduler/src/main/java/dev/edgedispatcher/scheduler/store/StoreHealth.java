package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.backbone.health.ComponentStatus;
import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.store.JobStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code job-store} component: asks the store every 2 s and runs partition upkeep every
 * minute. A store that does not answer is <em>degraded</em>, never down: jobs keep flowing without
 * it, so it must not take every replica out of the load balancer at once. Live while its own
 * checks run.
 */
public final class StoreHealth implements HealthComponent, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private final JobStore store;
    private final JobStoreSinks sink;
    private final ScheduledExecutorService timer;
    private volatile boolean up = true;
    private volatile int daysAhead = -1;
    private volatile long lastCheckNanos = System.nanoTime();

    public StoreHealth(JobStore store, JobStoreSinks sink, MeterRegistry metrics) {
        this.store = store;
        this.sink = sink;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "job-store-health");
            thread.setDaemon(true);
            return thread;
        });
        Gauge.builder("dispatcher_store_up", this, health -> health.up ? 1 : 0)
                .description("1 while the job store answers, 0 while it does not").register(metrics);
        Gauge.builder("dispatcher_store_partitions_ahead", this, health -> health.daysAhead)
                .description("day partitions the job store has ahead of today (alert below 1; -1 before the first upkeep and while upkeep fails)")
                .register(metrics);
    }

    public StoreHealth start() {
        timer.scheduleWithFixedDelay(this::check, 0, 2, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::upkeep, 0, 60, TimeUnit.SECONDS);
        return this;
    }

    /** Whether the store answered its last check. */
    public boolean isUp() {
        return up;
    }

    private void check() {
        boolean now = store.ping(Duration.ofSeconds(2));
        if (now != up) {
            LOG.warn(now ? "the job store answers again" : "the job store does not answer: jobs keep flowing, reads and"
                    + " submissions with an id get 503 store_unavailable until it returns");
        }
        up = now;
        lastCheckNanos = System.nanoTime();
    }

    private void upkeep() {
        try {
            JobStore.Upkeep done = store.upkeep();
            if (done.daysAhead() >= 0) {
                daysAhead = done.daysAhead();
            }
            if (done.created() > 0 || done.dropped() > 0) {
                LOG.info("job store partitions: {} created, {} dropped past retention; {} days ahead", done.created(),
                        done.dropped(), done.daysAhead());
            }
        } catch (RuntimeException e) {
            // Not the last good count: a replica whose upkeep keeps failing must not report partitions
            // it cannot vouch for (the alert on this gauge takes the max over replicas).
            daysAhead = -1;
            LOG.warn("job store partition upkeep failed (retried in a minute): {}", e.getMessage());
        }
    }

    @Override
    public String name() {
        return "job-store";
    }

    @Override
    public ComponentStatus liveness() {
        return System.nanoTime() - lastCheckNanos < TimeUnit.SECONDS.toNanos(30) ? ComponentStatus.up("checking")
                : ComponentStatus.down("the store check has not run for 30 s");
    }

    @Override
    public ComponentStatus readiness() {
        if (!up) {
            return ComponentStatus.degraded("the job store does not answer: jobs are accepted and delivered, reads and"
                    + " submissions with an id get 503 store_unavailable");
        }
        String problem = sink.storeProblem();
        if (problem != null) {
            return ComponentStatus.degraded("the sink cannot write: " + problem);
        }
        return ComponentStatus.up("connected; sink lag " + sink.lag() + " records");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
