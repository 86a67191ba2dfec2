package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import dev.edgedispatcher.backbone.health.Probe;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the scheduler's HTTP server, registered in one place (the layout of Strimzi's
 * Kafka bridge {@code HttpBridge}): one small handler per resource. To add a resource, write its
 * handler and add one line to {@link #router}.
 *
 * <p>Paths with a {@code :} ({@code /v1/jobs:batch}, {@code /v1/jobs/{id}:retry}) are regex
 * routes: in a plain Vert.x path a {@code :name} is a path parameter.
 */
public final class ApiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    public static final String JOBS = "/v1/jobs";
    public static final String BATCH = "/v1/jobs:batch";
    public static final String REDRIVE = "/v1/jobs:redrive";
    static final String ROUTE_LIST = "POST /v1/jobs, POST /v1/jobs:batch, GET /v1/jobs, GET /v1/jobs/{id},"
            + " POST /v1/jobs/{id}:retry, POST /v1/jobs:redrive, GET /v1/explain, GET /v1/regions, GET /openapi.json,"
            + " /health, /health/live, /health/ready, /metrics, GET / (status page)";

    private ApiRoutes() {
    }

    /** The router of one verticle instance; the handlers' state lives in the shared arguments. */
    public static Router router(Vertx vertx, SchedulerHttpVerticle.Listen listen, SchedulerHttpVerticle.Admission admission,
            SchedulerHttpVerticle.JobServices jobs, SchedulerHttpVerticle.Observability observability) {
        Router router = Router.router(vertx);
        ApiKeyCheck keys = new ApiKeyCheck(admission.access(), admission.rateLimiter());
        RejectionCounter rejections = new RejectionCounter(observability.metrics());

        // Timing reads nothing; authentication comes next, before any body is read: an unauthenticated
        // client gets nothing buffered.
        router.post(JOBS).handler(new SubmitTiming(observability.metrics()));
        router.route("/v1/*").handler(keys);

        router.post(JOBS).handler(new BodyLimit(listen.maxJobBytes(), listen.bodyBudget()))
                .handler(new SubmitJobHandler(jobs.validator(), jobs.acceptor(), rejections));
        router.postWithRegex(regex(BATCH)).handler(new BodyLimit(listen.maxBatchBytes(), listen.bodyBudget()))
                .handler(new BatchHandler(jobs.validator(), jobs.acceptor(), rejections, keys, listen.maxJobBytes()));
        router.get(JOBS).handler(new ListJobsHandler(jobs.reads()));
        router.get(JOBS + "/:id").handler(new JobStatusHandler(jobs.reads()));
        router.postWithRegex(regex(JOBS + "/") + "(?<id>[^/]+):retry").handler(new RetryHandler(jobs.replayer()));
        router.postWithRegex(regex(REDRIVE)).handler(new BodyLimit(listen.maxJobBytes(), listen.bodyBudget()))
                .handler(new RedriveHandler(jobs.replayer(), keys));
        router.get("/v1/explain").handler(new ExplainHandler(jobs.explainer()));
        router.get("/v1/regions").handler(new RegionsHandler(jobs.reads(), jobs.regionLag(), jobs.sink(), jobs.regionHealth()));

        router.get("/openapi.json").handler(new OpenApiHandler());

        router.get("/health").handler(new HealthHandler(observability.health(), Probe.READY));
        router.get("/health/ready").handler(new HealthHandler(observability.health(), Probe.READY));
        router.get("/health/live").handler(new HealthHandler(observability.health(), Probe.LIVE));
        router.get("/metrics").handler(new MetricsHandler(observability.metrics()));
        // The status page: public (it holds no data), its scripts call /v1 with the user's key.
        StatusPageHandler page = new StatusPageHandler();
        router.get("/").handler(page);
        router.get(StatusPageHandler.ASSETS + "*").handler(page);

        // A request Vert.x cannot read (a query string that does not decode, such as ?host=%ZZ).
        router.errorHandler(400, ctx -> respond(ctx, 400, error("bad_request", null, ctx.failure() == null
                ? "the request could not be read" : "the request could not be read: " + ctx.failure().getMessage())));
        router.errorHandler(404, ctx -> respond(ctx, 404, error("not_found", "path", "no route for "
                + ctx.request().method() + " " + ctx.request().path() + ": see " + ROUTE_LIST)));
        router.errorHandler(405, ctx -> respond(ctx, 405, error("method_not_allowed", "method", ctx.request().method()
                + " is not served on " + ctx.request().path() + ": see " + ROUTE_LIST)));
        router.errorHandler(413, ApiRoutes::tooLarge);
        router.errorHandler(500, ApiRoutes::internalError);
        return router;
    }

    /** A literal path as a route regex (a {@code :} in a plain path would start a parameter). */
    static String regex(String literalPath) {
        return java.util.regex.Pattern.quote(literalPath);
    }

    private static void tooLarge(RoutingContext ctx) {
        Integer limit = ctx.get(BodyLimit.LIMIT);
        respond(ctx, 413, error("payload_too_large", "body", "the request body exceeds "
                + (limit == null ? "the limit of" : limit + " bytes")));
    }

    /**
     * A 500 names a reference to the log line, not the exception: its text can hold internals (class
     * names, addresses, SQL) that one client must not learn about the system or other tenants.
     */
    private static void internalError(RoutingContext ctx) {
        String reference = java.util.UUID.randomUUID().toString().substring(0, 8);
        LOG.warn("{} {} failed (reference {})", ctx.request().method(), ctx.request().path(), reference, ctx.failure());
        respond(ctx, 500, error("internal", null, "internal error; the operator's log holds it under reference " + reference));
    }
}
