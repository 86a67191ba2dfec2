package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.store.JobStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The job store's sinks, one per cluster of the {@link Topology} (docs/regions.md): each reads the
 * region topics that live on its cluster and that cluster's results topic. Only {@code home}'s is
 * waited for at start; a regional cluster that is away keeps its sink retrying (degraded, never
 * down) while the rest of the scheduler works.
 */
public final class JobStoreSinks implements AutoCloseable {

    private final List<JobStoreSink> sinks;

    private JobStoreSinks(List<JobStoreSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    /** Starts one sink per cluster; {@code home}'s first. */
    public static JobStoreSinks start(Topology topology, JobStore store, MeterRegistry metrics, String clientId) {
        List<JobStoreSink> sinks = new ArrayList<>();
        for (Topology.Cluster cluster : topology.clusters()) {
            List<String> topics = new ArrayList<>();
            cluster.regions().stream().sorted().map(Topics::region).forEach(topics::add);
            topics.add(Topics.RESULTS);
            sinks.add(new JobStoreSink(cluster.connection(), cluster.name(), topics, store, metrics,
                    cluster.home() ? clientId : clientId + "-" + cluster.name()).start());
        }
        JobStoreSinks all = new JobStoreSinks(sinks);
        Gauge.builder("dispatcher_store_sink_lag_records", all, JobStoreSinks::lag)
                .description("records on the topics the sink has not written to the store yet (this replica's partitions,"
                        + " every cluster)")
                .register(metrics);
        return all;
    }

    /** Records not yet in the store, over this replica's partitions of every cluster. */
    public long lag() {
        return sinks.stream().mapToLong(JobStoreSink::lag).sum();
    }

    /** Why the last write failed while one is failing, null while writes work. */
    public String storeProblem() {
        return sinks.stream().map(JobStoreSink::storeProblem).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** One health component per sink ({@code store-sink}, {@code store-sink-<region>}). */
    public List<HealthComponent> health() {
        return sinks.stream().map(JobStoreSink::health).toList();
    }

    /** Waits until {@code home}'s sink has reached Kafka once. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return sinks.get(0).awaitConnected(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        for (JobStoreSink sink : sinks) {
            sink.close();
        }
    }
}
