package dev.edgedispatcher.scheduler.http;

import dev.edgedispatcher.frontdoor.ConnectionGuard;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.KeyRateLimiter;
import dev.edgedispatcher.scheduler.explain.Explainer;
import dev.edgedispatcher.scheduler.replay.Replayer;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.scheduler.store.JobReads;
import dev.edgedispatcher.scheduler.regions.RegionHealth;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
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

    /**
     * Where the server listens and how large request bodies may be: each one, and all those being
     * read at once ({@code bodyBudget}, shared by every instance).
     */
    public record Listen(String host, int port, int maxJobBytes, int maxBatchBytes, BodyBudget bodyBudget) {
        public Listen {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host '" + host + "' is not allowed: name an interface to listen on");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not allowed: use 1 to 65535 (a chosen free port"
                        + " for 0 is picked before the verticles start, so every instance shares it)");
            }
            if (maxJobBytes < 1 || maxBatchBytes < 1) {
                throw new IllegalArgumentException("body limits " + maxJobBytes + "/" + maxBatchBytes
                        + " are not allowed: use positive byte counts");
            }
        }
    }

    /** Who may reach the routes: the connection guard (slow and idle clients), API keys and their rate limit. */
    public record Admission(ConnectionGuard guard, ApiAccess access, Optional<KeyRateLimiter> rateLimiter) {
    }

    /** What the routes do with a request: accept, read, retry, redrive and explain jobs; show the regions. */
    public record JobServices(JobValidator validator, JobAcceptor acceptor, JobReads reads, Replayer replayer,
            Explainer explainer, RegionLag regionLag, JobStoreSinks sink, RegionHealth regionHealth) {
    }

    /** What {@code /metrics} and {@code /health} report. */
    public record Observability(PrometheusMeterRegistry metrics, HealthChecks health) {
    }

    private final Listen listen;
    private final Admission admission;
    private final JobServices jobs;
    private final Observability observability;
    private HttpServer server;

    /** One instance per event loop; every argument is shared by all instances. */
    public SchedulerHttpVerticle(Listen listen, Admission admission, JobServices jobs, Observability observability) {
        this.listen = listen;
        this.admission = admission;
        this.jobs = jobs;
        this.observability = observability;
    }

    @Override
    public Future<?> start() {
        server = admission.guard().createServer(vertx, new HttpServerOptions().setPort(listen.port())
                .setHost(listen.host()).setCompressionSupported(false),
                ApiRoutes.router(vertx, listen, admission, jobs, observability));
        return server.listen();
    }
}
