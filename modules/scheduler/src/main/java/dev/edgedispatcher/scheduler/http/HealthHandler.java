package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.health.HealthChecks;
import dev.edgedispatcher.backbone.health.HealthReport;
import dev.edgedispatcher.backbone.health.Probe;
import dev.edgedispatcher.scheduler.store.JobReads;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health/live} and {@code /health/ready}; {@code /health} answers as ready. A degraded
 * component (the job store away) shows as {@code degraded} and leaves the answer 200. Components may be embedded ones ({@code up}'s
 * workers) whose checks are not ours to trust with an event loop: asked on a worker thread.
 */
final class HealthHandler implements Handler<RoutingContext> {

    private final HealthChecks health;
    private final Probe probe;

    HealthHandler(HealthChecks health, Probe probe) {
        this.health = health;
        this.probe = probe;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.vertx().executeBlocking(() -> health.report(probe), false).onComplete(result -> {
            if (result.failed()) {
                respond(ctx, 503, error("health_check_failed", null, String.valueOf(result.cause())));
                return;
            }
            HealthReport report = result.result();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            boolean degraded = report.components().values().stream().anyMatch(c -> c.degraded());
            body.put("status", !report.up() ? "down" : degraded ? "degraded" : "up");
            ObjectNode components = body.putObject("components");
            report.components().forEach((name, status) -> components.putObject(name)
                    .put("status", status.degraded() ? "degraded" : status.up() ? "up" : "down")
                    .put("detail", status.detail()));
            respond(ctx, report.httpStatus(), body);
        });
    }
}
