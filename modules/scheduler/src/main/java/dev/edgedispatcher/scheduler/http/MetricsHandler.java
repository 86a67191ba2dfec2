package dev.edgedispatcher.scheduler.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: Prometheus text. */
final class MetricsHandler implements Handler<RoutingContext> {

    private final PrometheusMeterRegistry metrics;

    MetricsHandler(PrometheusMeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }
}
