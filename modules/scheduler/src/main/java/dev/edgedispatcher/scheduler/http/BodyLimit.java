package dev.edgedispatcher.scheduler.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads a request body of at most {@code limit} bytes (Vert.x Web's {@link BodyHandler}); a larger
 * one, declared or streamed, fails the route with 413, which {@link ApiRoutes} answers with the
 * error document naming this limit.
 */
final class BodyLimit implements Handler<RoutingContext> {

    static final String LIMIT = "edge.body.limit";

    private final int limit;
    private final BodyHandler body;

    BodyLimit(int limit) {
        this.limit = limit;
        this.body = BodyHandler.create(false).setBodyLimit(limit);
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.put(LIMIT, limit);
        body.handle(ctx);
    }
}
