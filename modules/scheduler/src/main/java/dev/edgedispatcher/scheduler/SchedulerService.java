package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.frontdoor.ConnectionGuard;
import dev.edgedispatcher.scheduler.auth.KeyRateLimiter;
import dev.edgedispatcher.scheduler.explain.Explainer;
import dev.edgedispatcher.scheduler.http.BodyBudget;
import dev.edgedispatcher.scheduler.http.SchedulerHttpVerticle;
import dev.edgedispatcher.scheduler.intake.KafkaIntake;
import dev.edgedispatcher.scheduler.replay.Replayer;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.scheduler.store.ClaimBatcher;
import dev.edgedispatcher.scheduler.store.JobReads;
import dev.edgedispatcher.scheduler.regions.RegionFailover;
import dev.edgedispatcher.scheduler.regions.RegionHealth;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
import dev.edgedispatcher.scheduler.store.RecentAccepts;
import dev.edgedispatcher.scheduler.store.StoreCalls;
import dev.edgedispatcher.scheduler.store.StoreHealth;
import dev.edgedispatcher.store.JobStore;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.UUID;
import dev.edgedispatcher.scheduler.status.RegionLag;
import dev.edgedispatcher.backbone.health.HealthChecks;
import dev.edgedispatcher.scheduler.health.KafkaClusterProbe;
import dev.edgedispatcher.scheduler.health.ProducerHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler process: provisions topics, opens the job store (migrating it) and starts its sink
 * from Kafka, then serves the HTTP API and the Kafka intake. Any number run side by side against one
 * Kafka cluster and one store. {@link #close()} stops everything in reverse order.
 */
public final class SchedulerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerService.class);

    private final Vertx vertx;
    private final JobPublisher publisher;
    private final JobStore store;
    private final JobStoreSinks sink;
    private final StoreHealth storeHealth;
    private final StoreCalls calls;
    private final ClaimBatcher claims;
    private final KafkaIntake intake;
    private final KafkaClusterProbe probe;
    private final RegionLag regionLag;
    private final RegionHealth regionHealth;
    private final HealthChecks health;
    private final int port;
    private final Replayer replayer;

    private SchedulerService(Vertx vertx, JobPublisher publisher, JobStore store, JobStoreSinks sink, StoreHealth storeHealth,
            StoreCalls calls, ClaimBatcher claims, KafkaIntake intake, KafkaClusterProbe probe, RegionLag regionLag, HealthChecks health, int port,
            Replayer replayer, RegionHealth regionHealth) {
        this.replayer = replayer;
        this.regionHealth = regionHealth;
        this.vertx = vertx;
        this.publisher = publisher;
        this.store = store;
        this.sink = sink;
        this.storeHealth = storeHealth;
        this.calls = calls;
        this.claims = claims;
        this.intake = intake;
        this.probe = probe;
        this.regionLag = regionLag;
        this.health = health;
        this.port = port;
    }

    public static SchedulerService start(SchedulerConfig config) throws Exception {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        return start(config, metrics);
    }

    /** Starts with a shared metrics registry (in one process with workers, /metrics shows both). */
    public static SchedulerService start(SchedulerConfig config, PrometheusMeterRegistry metrics) throws Exception {
        Topology topology = config.topology();
        for (Topology.Cluster cluster : topology.clusters()) {
            if (cluster.home()) {
                try (Admin admin = Admin.create(KafkaClientSettings.admin(cluster.connection()))) {
                    new TopicProvisioner(admin).ensure(cluster.topics(config.layout()), config.layout().replicationFactor(),
                            Duration.ofSeconds(60));
                }
            } else {
                RegionalTopics.provisionInBackground(cluster, config.layout());
            }
        }
        if (config.jobStore() == null) {
            throw new IllegalArgumentException("the scheduler needs a job store: --job-store-config FILE");
        }
        // The store must be reachable at start (migrations run now); later outages are survived.
        JobStore store = JobStore.open(config.jobStore(), Clock.systemUTC(), metrics);
        String replica = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        JobStoreSinks sink = JobStoreSinks.start(topology, store, metrics, "scheduler-store-sink-" + replica);
        StoreHealth storeHealth = new StoreHealth(store, sink, metrics).start();
        StoreCalls calls = new StoreCalls(config.jobStore().poolSize(), 10_000);
        RecentAccepts recent = new RecentAccepts(RecentAccepts.DEFAULT_CAPACITY);
        JobReads reads = new JobReads(store, calls, recent);
        KafkaClusterProbe probe = new KafkaClusterProbe(config.kafka(), "scheduler-health").start();
        ProducerHealth producerHealth = new ProducerHealth(probe);
        JobPublisher publisher = new JobPublisher(topology, "scheduler", producerHealth);
        JobValidator validator = new JobValidator(config.knownAccounts());
        ClaimBatcher claims = new ClaimBatcher(store, replica).start();
        // Regions are watched always (metrics, status page); jobs move off a region that is down only
        // when regions have clusters of their own (docs/regions.md).
        RegionHealth regionHealth = new RegionHealth(topology, metrics).start();
        Optional<RegionFailover> failover = topology.isSingle() ? Optional.empty()
                : Optional.of(new RegionFailover(regionHealth, config.stayingAccounts()));
        JobAcceptor acceptor = new JobAcceptor(config.resolver(), failover, publisher, store, calls, claims, recent, replica,
                metrics);
        KafkaIntake intake = new KafkaIntake(config.kafka(), validator, acceptor, publisher);
        Replayer replayer = new Replayer(topology, store, recent, acceptor, validator, metrics, config.redrivePerSecond());
        HealthChecks health = new HealthChecks().add(intake.health());
        sink.health().forEach(health::add);
        health.add(storeHealth).add(producerHealth);

        Vertx vertx = Vertx.vertx();
        int port = config.port() == 0 ? freePort() : config.port();
        ConnectionGuard guard = new ConnectionGuard(config.frontDoor(), metrics, "scheduler");
        RegionLag regionLag = new RegionLag(topology, "scheduler-region-lag");
        Optional<KeyRateLimiter> rateLimiter = config.access().rateLimit().map(limit -> new KeyRateLimiter(limit, System::nanoTime));
        var listen = new SchedulerHttpVerticle.Listen(config.host(), port, config.maxJobBytes(), config.maxBatchBytes(),
                BodyBudget.forThisHeap());
        var admission = new SchedulerHttpVerticle.Admission(guard, config.access(), rateLimiter);
        var jobs = new SchedulerHttpVerticle.JobServices(validator, acceptor, reads, replayer, new Explainer(config.resolver()),
                regionLag, sink, regionHealth);
        var observability = new SchedulerHttpVerticle.Observability(metrics, health);
        try {
            vertx.deployVerticle(() -> new SchedulerHttpVerticle(listen, admission, jobs, observability),
                    new DeploymentOptions().setInstances(config.httpInstances()))
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            regionLag.close();
            regionHealth.close();
            replayer.close();
            publisher.close();
            sink.close();
            storeHealth.close();
            claims.close();
            calls.close();
            store.close();
            probe.close();
            throw new IllegalStateException("the scheduler could not listen on " + config.host() + ":" + port + ": "
                    + e.getMessage(), e);
        }
        intake.start();
        if (!intake.awaitConnected(Duration.ofSeconds(30))) {
            LOG.warn("the Kafka intake has not reached Kafka yet; it keeps trying (see /health/ready)");
        }
        if (!sink.awaitConnected(Duration.ofSeconds(30))) {
            LOG.warn("the job store's sink has not reached Kafka yet; it keeps trying (see /health)");
        }
        LOG.info("scheduler listening on http://{}:{} ({}; front door: headers within {} ms, body within {} ms, idle {} ms,"
                + " at most {} connections)", config.host(), port, config.access().enforced()
                        ? "/v1 needs an API key (" + config.access().keys().size() + " configured)"
                        : "/v1 is open: no API keys", config.frontDoor().headerTimeout().toMillis(),
                config.frontDoor().bodyTimeout().toMillis(), config.frontDoor().idleTimeout().toMillis(),
                config.frontDoor().maxConnections());
        return new SchedulerService(vertx, publisher, store, sink, storeHealth, calls, claims, intake, probe, regionLag, health, port,
                replayer, regionHealth);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The scheduler's probe of its Kafka cluster, for a process that embeds the broker to report on it too. */
    public KafkaClusterProbe clusterProbe() {
        return probe;
    }

    /**
     * What {@code /health/live} and {@code /health/ready} ask: intake, the store sink, the store and the producer; a
     * process that embeds more (such as {@code up}: the broker, the workers) adds its components here.
     */
    public HealthChecks health() {
        return health;
    }

    @Override
    public void close() {
        List<Exception> errors = new ArrayList<>();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            intake.close();
        } catch (Exception e) {
            errors.add(e);
        }
        // Each step on its own: one failing must not leave the later ones (and their threads) running.
        try {
            replayer.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            publisher.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            sink.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            storeHealth.close();
            claims.close();
            calls.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            store.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            probe.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            regionLag.close();
        } catch (Exception e) {
            errors.add(e);
        }
        try {
            regionHealth.close();
        } catch (Exception e) {
            errors.add(e);
        }
        if (!errors.isEmpty()) {
            LOG.warn("scheduler stopped with errors: {}", errors);
        }
    }
}
