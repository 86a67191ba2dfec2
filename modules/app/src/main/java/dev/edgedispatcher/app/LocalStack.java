package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.health.ComponentStatus;
import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.scheduler.health.KafkaClusterProbe;
import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer;
import dev.edgedispatcher.embeddedpostgres.StoreCredentials;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.store.JobStoreConfig;
import java.util.function.UnaryOperator;
import dev.edgedispatcher.scheduler.SchedulerService;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.WorkerService;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything {@code dispatcher up} runs in one process: the embedded broker (data kept in
 * {@code dataDir/kafka}), a PostgreSQL server as the job store (data in {@code dataDir/postgres}), the scheduler and the region workers, sharing one metrics registry so the
 * scheduler's {@code /metrics} shows them all, and one set of health checks (broker, scheduler loops,
 * producer and the workers' components) behind the scheduler's {@code /health/*}. Closing stops
 * them in reverse order and keeps the data.
 */
final class LocalStack implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final SchedulerService scheduler;
    /** The PostgreSQL server of its own, when no existing store was given. */
    private final Optional<EmbeddedPostgresServer> postgres;
    private final String jobStoreUrl;
    private final Optional<WorkerService> workers;

    private LocalStack(EmbeddedKafkaBroker broker, Optional<EmbeddedPostgresServer> postgres, String jobStoreUrl,
            SchedulerService scheduler, Optional<WorkerService> workers) {
        this.broker = broker;
        this.postgres = postgres;
        this.jobStoreUrl = jobStoreUrl;
        this.scheduler = scheduler;
        this.workers = workers;
    }

    /**
     * Starts the broker, the scheduler configured by {@code schedulerConfig(bootstrap)} and, when
     * {@code workerConfig} gives one for the bootstrap, the workers.
     */
    static LocalStack start(Path dataDir, int kafkaPort, Function<String, SchedulerConfig> schedulerConfig,
            Function<String, Optional<WorkerConfig>> workerConfig) throws Exception {
        return start(dataDir, kafkaPort, schedulerConfig, workerConfig, UnaryOperator.identity());
    }

    /**
     * As above; when the scheduler's config names no job store, a PostgreSQL server of its own runs
     * with its data in {@code dataDir/postgres} (kept across restarts), its credentials written to
     * {@code dataDir/job-store.properties} (owner-only) for a second replica to join, and
     * {@code tuneStore} applied to its config (retention).
     */
    static LocalStack start(Path dataDir, int kafkaPort, Function<String, SchedulerConfig> schedulerConfig,
            Function<String, Optional<WorkerConfig>> workerConfig, UnaryOperator<JobStoreConfig> tuneStore) throws Exception {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort);
        SchedulerService scheduler = null;
        Optional<EmbeddedPostgresServer> postgres = Optional.empty();
        try {
            SchedulerConfig config = schedulerConfig.apply(broker.bootstrapServers());
            if (config.jobStore() == null) {
                EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
                postgres = Optional.of(server);
                StoreCredentials credentials = server.database("dispatcher");
                credentials.writeTo(dataDir.resolve(JOB_STORE_FILE), "the job store of `dispatcher up` (" + dataDir.toAbsolutePath()
                        + "): dispatcher scheduler --job-store-config this-file joins it");
                config = config.withJobStore(tuneStore.apply(JobStoreConfig.of(credentials.asProperties())));
            }
            scheduler = SchedulerService.start(config, metrics);
            String storeUrl = config.jobStore().url();
            // The scheduler already probes this broker: the broker's health reads the same probe.
            scheduler.health().add(new BrokerHealth(scheduler.clusterProbe()));
            Optional<WorkerConfig> workers = workerConfig.apply(broker.bootstrapServers());
            Optional<WorkerService> started = workers.isPresent()
                    ? Optional.of(WorkerService.start(workers.get(), metrics))
                    : Optional.empty();
            if (started.isPresent()) {
                started.get().healthComponents().forEach(scheduler.health()::add);
            }
            return new LocalStack(broker, postgres, storeUrl, scheduler, started);
        } catch (Exception e) {
            if (scheduler != null) {
                scheduler.close();
            }
            if (postgres.isPresent()) {
                postgres.get().close();
            }
            broker.close();
            throw e;
        }
    }

    /** The in-process broker as a health component: ready while it answers an admin request. */
    private record BrokerHealth(KafkaClusterProbe probe) implements HealthComponent {
        @Override
        public String name() {
            return "broker";
        }

        @Override
        public ComponentStatus liveness() {
            // The broker runs in this process: when it stops answering for long, a restart of the
            // process is what brings it back; a slow answer under load is not a reason.
            String problem = probe.problem();
            return problem != null && probe.silentForMs() > 30_000
                    ? ComponentStatus.down(problem + " for " + probe.silentForMs() + " ms")
                    : ComponentStatus.up("running");
        }

        @Override
        public ComponentStatus readiness() {
            String problem = probe.problem();
            return problem == null ? ComponentStatus.up("embedded broker answers") : ComponentStatus.down(problem);
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    int httpPort() {
        return scheduler.port();
    }

    /** The file `up` writes the credentials of its own job store to, in its data directory. */
    static final String JOB_STORE_FILE = "job-store.properties";

    /** The job store's JDBC URL (no credentials). */
    String jobStoreUrl() {
        return jobStoreUrl;
    }

    boolean hasWorkers() {
        return workers.isPresent();
    }

    @Override
    public void close() {
        try {
            if (workers.isPresent()) {
                workers.get().close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("stopping the workers failed", e);
        } finally {
            try {
                scheduler.close();
            } finally {
                try {
                    broker.close();
                } finally {
                    postgres.ifPresent(server -> {
                        try {
                            server.close();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException("stopping PostgreSQL failed", e);
                        }
                    });
                }
            }
        }
    }
}
