package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.health.HealthChecks;
import dev.edgedispatcher.backbone.health.HealthReport;
import dev.edgedispatcher.backbone.health.Probe;
import dev.edgedispatcher.scheduler.status.JobStatusIndex;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health/live} and {@code /health/ready} (SPEC §6); {@code /health} answers as ready and
 * keeps its older {@code jobs_indexed} field. Components may be embedded ones ({@code up}'s
 * workers) whose checks are not ours to trust with an event loop: asked on a worker thread.
 */
final class HealthHandler implements Handler<RoutingContext> {

    private final HealthChecks health;
    private final JobStatusIndex index;
    private final Probe probe;
    private final boolean withIndexSize;

    HealthHandler(HealthChecks health, JobStatusIndex index, Probe probe, boolean withIndexSize) {
        this.health = health;
        this.index = index;
        this.probe = probe;
        this.withIndexSize = withIndexSize;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.vertx().executeBlocking(() -> health.report(probe), false).onComplete(result -> {
            if (result.failed()) {
                respond(ctx, 503, error("health check failed", null, String.valueOf(result.cause())));
                return;
            }
            HealthReport report = result.result();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", report.up() ? "up" : "down");
            ObjectNode components = body.putObject("components");
            report.components().forEach((name, status) -> components.putObject(name)
                    .put("status", status.up() ? "up" : "down").put("detail", status.detail()));
            if (withIndexSize) {
                body.put("jobs_indexed", index.size());
            }
            respond(ctx, report.httpStatus(), body);
        });
    }
}
