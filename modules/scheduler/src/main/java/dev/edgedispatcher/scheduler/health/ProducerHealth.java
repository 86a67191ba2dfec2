package dev.edgedispatcher.scheduler.health;

import dev.edgedispatcher.backbone.loop.Backoff;
import dev.edgedispatcher.backbone.health.ComponentStatus;
import dev.edgedispatcher.backbone.health.HealthComponent;
import java.util.concurrent.TimeUnit;

/**
 * The {@code producer} component: ready while the cluster answers the probe and publishes are not
 * failing (a publish failure newer than the last success, within the last 10 s, makes it not
 * ready: the API would answer 503). Live always: the producer has no loop of its own to stall,
 * the Kafka client's I/O thread reconnects by itself.
 */
public final class ProducerHealth implements HealthComponent {

    private static final long FAILURE_COUNTS_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final KafkaClusterProbe probe;
    private volatile long lastFailureNanos;
    private volatile String lastFailure;
    private volatile boolean failedSinceSuccess;

    public ProducerHealth(KafkaClusterProbe probe) {
        this.probe = probe;
    }

    @Override
    public String name() {
        return "producer";
    }

    public void published() {
        failedSinceSuccess = false;
    }

    public void publishFailed(Throwable error) {
        lastFailureNanos = System.nanoTime();
        lastFailure = Backoff.describe(error);
        failedSinceSuccess = true;
    }

    @Override
    public ComponentStatus liveness() {
        return ComponentStatus.up("running");
    }

    @Override
    public ComponentStatus readiness() {
        String problem = probe.problem();
        if (problem != null) {
            return ComponentStatus.down(problem);
        }
        if (failedSinceSuccess && System.nanoTime() - lastFailureNanos < FAILURE_COUNTS_NANOS) {
            return ComponentStatus.down("publishes are failing: " + lastFailure);
        }
        return ComponentStatus.up("connected");
    }
}
