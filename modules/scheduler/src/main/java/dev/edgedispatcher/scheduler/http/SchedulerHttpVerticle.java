package dev.edgedispatcher.scheduler.http;

import dev.edgedispatcher.frontdoor.ConnectionGuard;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.KeyRateLimiter;
import dev.edgedispatcher.scheduler.explain.Explainer;
import dev.edgedispatcher.scheduler.replay.Replayer;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.scheduler.store.JobReads;
import dev.edgedispatcher.scheduler.store.JobStoreSink;
import dev.edgedispatcher.scheduler.status.RegionLag;
import dev.edgedispatcher.backbone.health.HealthChecks;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.Optional;

/**
 * The scheduler's HTTP API (docs/api.md, "HTTP API" and "Finding and redriving jobs"). One instance
 * per event loop, serving the routes of {@link ApiRoutes}; nothing here blocks: region resolution
 * and Kafka sends complete on their own threads and come back through futures.
 */
public final class SchedulerHttpVerticle extends VerticleBase {

    /** What the verticle serves; shared by all instances. */
    public record Services(JobValidator validator, JobAcceptor acceptor, JobReads reads, JobStoreSink sink, Explainer explainer,
            PrometheusMeterRegistry metrics, HealthChecks health, int port, String host, int maxJobBytes, int maxBatchBytes,
            ConnectionGuard guard, ApiAccess access, Optional<KeyRateLimiter> rateLimiter, Replayer replayer,
            RegionLag regionLag) {
    }

    private final Services services;
    private HttpServer server;

    public SchedulerHttpVerticle(Services services) {
        this.services = services;
    }

    @Override
    public Future<?> start() {
        server = services.guard().createServer(vertx, new HttpServerOptions().setPort(services.port())
                .setHost(services.host()).setCompressionSupported(false), ApiRoutes.router(vertx, services));
        return server.listen();
    }
}
