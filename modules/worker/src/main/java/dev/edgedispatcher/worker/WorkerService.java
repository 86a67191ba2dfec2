package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.DeliveryEngine;
import dev.edgedispatcher.worker.delivery.DestinationBulkheads;
import dev.edgedispatcher.worker.delivery.DestinationGuard;
import dev.edgedispatcher.worker.delivery.HttpAttempt;
import dev.edgedispatcher.worker.results.ResultWriter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process: one {@link RegionWorker} per configured region sharing one Vert.x instance, one
 * HTTP client, the per-destination bulkheads and one result writer; optionally a small HTTP server
 * for {@code /health} and {@code /metrics}.
 */
public final class WorkerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerService.class);

    private final Vertx vertx;
    private final HttpClient client;
    private final ResultWriter results;
    private final List<RegionWorker> workers;
    private final HttpServer metricsServer;

    private WorkerService(Vertx vertx, HttpClient client, ResultWriter results, List<RegionWorker> workers,
            HttpServer metricsServer) {
        this.vertx = vertx;
        this.client = client;
        this.results = results;
        this.workers = workers;
        this.metricsServer = metricsServer;
    }

    public static WorkerService start(WorkerConfig config, PrometheusMeterRegistry metrics) throws Exception {
        int eventLoops = config.eventLoops();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(30).setTcpNoDelay(true)
                        .setMaxRedirects(0).setDecompressionSupported(false).setVerifyHost(true),
                // Bigger than the bulkhead, so an attempt never waits for a pooled connection (that wait
                // would be counted as connect time by Vert.x).
                new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerDestination() + 16).setMaxWaitQueueSize(-1));
        ResultWriter results = new ResultWriter(config.bootstrapServers(), "worker");
        DestinationBulkheads bulkheads = new DestinationBulkheads(vertx, config.maxConnectionsPerDestination());
        HttpAttempt http = new HttpAttempt(vertx, client, new DestinationGuard(config.allowedDestinations()));
        List<Context> contexts = EventLoopContexts.create(vertx, eventLoops);
        List<RegionWorker> workers = new ArrayList<>();
        for (Region region : config.regions()) {
            DeliveryEngine engine = new DeliveryEngine(vertx, http, bulkheads, config.accounts(), region.wireName(),
                    results::writeProgress, metrics, config.retryBackoffMs());
            RegionWorker worker = new RegionWorker(region, config.bootstrapServers(), contexts, engine, results,
                    config.maxInFlight(), metrics);
            worker.start();
            workers.add(worker);
        }
        HttpServer server = null;
        if (config.metricsPort() >= 0) {
            server = vertx.createHttpServer().requestHandler(request -> {
                if (request.path().equals("/metrics")) {
                    request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                            .end(metrics.scrape());
                } else if (request.path().equals("/health")) {
                    request.response().putHeader("content-type", "application/json")
                            .end("{\"status\":\"ok\",\"regions\":" + config.regions().size() + "}");
                } else {
                    request.response().setStatusCode(404).end();
                }
            }).listen(config.metricsPort(), "127.0.0.1").await(10, TimeUnit.SECONDS);
        }
        LOG.info("workers started for {} (allowed destinations: {})", config.regions(),
                config.allowedDestinations().isEmpty() ? "none beyond public addresses" : config.allowedDestinations());
        return new WorkerService(vertx, client, results, workers, server);
    }

    /**
     * What {@code /health/live} and {@code /health/ready} ask about this process's workers (one
     * component per region consumer loop, and the result writer); a process embedding the workers,
     * such as {@code up}, adds these to its own health checks.
     */
    public List<HealthComponent> healthComponents() {
        return List.of();
    }

    /** The /metrics port, or -1 when there is no metrics server. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.actualPort();
    }

    /** Stops consuming, lets in-flight jobs finish briefly, commits, and closes everything. */
    @Override
    public void close() throws Exception {
        for (RegionWorker worker : workers) {
            worker.close();
        }
        client.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        results.close();
    }
}
