package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.health.HealthChecks;
import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.backbone.health.HealthReport;
import dev.edgedispatcher.backbone.health.Probe;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.ConnectionPools;
import dev.edgedispatcher.worker.delivery.DeliveryEngine;
import dev.edgedispatcher.worker.delivery.DestinationBulkheads;
import dev.edgedispatcher.worker.delivery.DestinationGuard;
import dev.edgedispatcher.worker.delivery.HttpAttempt;
import dev.edgedispatcher.worker.dispatch.DeliverySlots;
import dev.edgedispatcher.worker.dispatch.EventLoopLag;
import dev.edgedispatcher.worker.dispatch.JobParker;
import dev.edgedispatcher.worker.dispatch.JobRunner;
import dev.edgedispatcher.worker.results.OutcomeRecorder;
import dev.edgedispatcher.worker.results.ResultWriter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import dev.edgedispatcher.frontdoor.ConnectionGuard;
import dev.edgedispatcher.frontdoor.FrontDoorLimits;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process: one {@link RegionWorker} per configured region sharing one Vert.x instance, the
 * connection pools, the per-destination bulkheads, the delivery slots and one result writer;
 * optionally a small HTTP server for {@code /health/live}, {@code /health/ready}, {@code /health}
 * and {@code /metrics}.
 */
public final class WorkerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerService.class);
    /** The health and metrics server closes connections idle this long (seconds). */
    static final int HEALTH_IDLE_TIMEOUT_S = 30;

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final HttpAttempt http;
    private final List<ResultWriter> results;
    private final List<RegionWorker> workers;
    private final HttpServer metricsServer;
    private final HealthChecks health;

    private WorkerService(Vertx vertx, HttpClientAgent client, HttpAttempt http, List<ResultWriter> results, List<RegionWorker> workers,
            HttpServer metricsServer, HealthChecks health) {
        this.vertx = vertx;
        this.client = client;
        this.http = http;
        this.results = results;
        this.workers = workers;
        this.metricsServer = metricsServer;
        this.health = health;
    }

    public static WorkerService start(WorkerConfig config, PrometheusMeterRegistry metrics) throws Exception {
        return start(config, metrics, "127.0.0.1");
    }

    /** As {@link #start(WorkerConfig, PrometheusMeterRegistry)}, with /health and /metrics listening on {@code metricsHost}. */
    public static WorkerService start(WorkerConfig config, PrometheusMeterRegistry metrics, String metricsHost)
            throws Exception {
        int eventLoops = config.eventLoops();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        // The client only opens connections; ConnectionPools owns and caps them.
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setMaxRedirects(0)
                .setDecompressionSupported(false).setVerifyHost(true));
        // One writer per cluster: a region's results and dead letters go to its own cluster (docs/regions.md).
        Map<String, ResultWriter> writers = new LinkedHashMap<>();
        ConnectionPools pools = new ConnectionPools(vertx, config.connections(), eventLoops);
        DestinationBulkheads bulkheads = new DestinationBulkheads(vertx, config.maxConnectionsPerDestination());
        HttpAttempt http = new HttpAttempt(vertx, client, new DestinationGuard(config.allowedDestinations()), pools,
                config.maxConnectionsPerDestination(), metrics);
        List<Context> contexts = EventLoopContexts.create(vertx, eventLoops);
        EventLoopLag lag = EventLoopLag.watch(vertx, contexts);
        DeliverySlots slots = new DeliverySlots(config.connections().maxConnections(), lag);
        Gauge.builder("dispatcher_event_loop_lag_seconds", lag, l -> l.worstMs() / 1000.0).baseUnit("seconds")
                .description("how late the most late delivery event loop ran its last tick (every 10 ms while admission asks, 100 ms while quiet)").register(metrics);
        Gauge.builder("dispatcher_open_connections", pools, ConnectionPools::open)
                .description("HTTP connections open to destinations (connecting, in use and idle)").register(metrics);
        Gauge.builder("dispatcher_idle_connections", pools, ConnectionPools::idle)
                .description("idle HTTP connections kept for reuse").register(metrics);
        Gauge.builder("dispatcher_delivery_slots_used", slots, DeliverySlots::used)
                .description("deliveries running in this process").register(metrics);
        Gauge.builder("dispatcher_destinations_tracked", bulkheads, DestinationBulkheads::destinations)
                .description("destinations with attempts in flight or waiting (idle ones are forgotten)").register(metrics);
        HealthChecks health = new HealthChecks();
        List<RegionWorker> workers = new ArrayList<>();
        for (Region region : config.regions()) {
            String cluster = config.topology().hasOwnCluster(region) ? region.wireName() : "home";
            ResultWriter results = writers.computeIfAbsent(cluster, name -> {
                ResultWriter writer = new ResultWriter(config.topology().of(region),
                        name.equals("home") ? "worker" : "worker-" + name);
                health.add(writer);
                return writer;
            });
            JobParker parker = new JobParker(results::writeOnce);
            DeliveryEngine engine = new DeliveryEngine(vertx, http, bulkheads, config.accounts(), region.wireName(),
                    results::writeAttempt, metrics, config.retryBackoff().toMillis());
            RegionWorker worker = new RegionWorker(region, config.topology().of(region), contexts, new JobRunner(vertx, engine),
                    new OutcomeRecorder(region, results, metrics), parker, config, slots, metrics);
            worker.start();
            workers.add(worker);
            health.add(worker.health());
        }
        HttpServer server = null;
        if (config.metricsPort() >= 0) {
            // Slow or half-sent requests are closed and connections capped, as on the scheduler
            // (docs/operations.md).
            ConnectionGuard guard = new ConnectionGuard(FrontDoorLimits.HEALTH_PORT, metrics, "worker");
            server = guard.createServer(vertx, new HttpServerOptions().setIdleTimeout(HEALTH_IDLE_TIMEOUT_S)
                            .setIdleTimeoutUnit(TimeUnit.SECONDS), request -> serve(request, health, metrics))
                    .listen(config.metricsPort(), metricsHost).await(10, TimeUnit.SECONDS);
        }
        LOG.info("workers started for {} (allowed destinations: {}; at most {} connections)", config.regions(),
                config.allowedDestinations().isEmpty() ? "none beyond public addresses" : config.allowedDestinations(),
                config.connections().maxConnections());
        return new WorkerService(vertx, client, http, List.copyOf(writers.values()), workers, server, health);
    }

    private static void serve(HttpServerRequest request, HealthChecks health, PrometheusMeterRegistry metrics) {
        switch (request.path()) {
            case "/metrics" -> request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape());
            case "/health/live" -> answer(request, health.report(Probe.LIVE));
            case "/health/ready", "/health" -> answer(request, health.report(Probe.READY));
            default -> request.response().setStatusCode(404).end();
        }
    }

    private static void answer(HttpServerRequest request, HealthReport report) {
        request.response().setStatusCode(report.httpStatus()).putHeader("content-type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(report.toJson()));
    }

    /**
     * What {@code /health/live} and {@code /health/ready} ask about this process's workers (one
     * component per region consumer loop, and the result writer); a process embedding the workers,
     * such as {@code up}, adds these to its own health checks.
     */
    public List<HealthComponent> healthComponents() {
        List<HealthComponent> components = new ArrayList<>();
        components.addAll(results);
        workers.forEach(worker -> components.add(worker.health()));
        return List.copyOf(components);
    }

    /** This process's health, as {@code /health/live} or {@code /health/ready} answer it. */
    public HealthReport health(Probe probe) {
        return health.report(probe);
    }

    /** The /metrics port, or -1 when there is no metrics server. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.actualPort();
    }

    /**
     * Stops consuming, lets in-flight jobs finish briefly, commits, and closes everything. The
     * result writer closes before the HTTP client: a job still running past the drain (a stalled
     * receiver, a retry waiting its backoff) is cut off by this stop, not by its destination, so it
     * must end with no outcome at all (its offset stays uncommitted and the next owner delivers
     * it), never with a final {@code failed} that the closed client would otherwise cause.
     */
    @Override
    public void close() throws Exception {
        for (RegionWorker worker : workers) {
            worker.close();
        }
        results.forEach(ResultWriter::close);
        client.close().await(5, TimeUnit.SECONDS);
        http.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
