package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads a request body of at most {@code limit} bytes (Vert.x Web's {@link BodyHandler}); a larger
 * one, declared or streamed, fails the route with 413, which {@link ApiRoutes} answers with the
 * error document naming this limit. Before reading, the body's room is reserved in the process's
 * {@link BodyBudget}: past it the request is answered {@code 503 overloaded} unread.
 */
final class BodyLimit implements Handler<RoutingContext> {

    static final String LIMIT = "edge.body.limit";

    private final int limit;
    private final BodyBudget budget;
    private final BodyHandler body;

    BodyLimit(int limit, BodyBudget budget) {
        this.limit = limit;
        this.budget = budget;
        this.body = BodyHandler.create(false).setBodyLimit(limit);
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.put(LIMIT, limit);
        long declared = declaredLength(ctx);
        if (declared > limit) {
            body.handle(ctx); // refused with 413 before anything is read
            return;
        }
        long reserve = declared >= 0 ? declared : limit;
        if (!budget.tryReserve(reserve)) {
            ctx.response().putHeader("retry-after", "1").putHeader("connection", "close");
            respond(ctx, 503, error("overloaded", "body", "the scheduler is reading " + (budget.inUse() >> 20)
                    + " MiB of request bodies, its limit (" + (budget.total() >> 20) + " MiB); this " + reserve
                    + "-byte body was not read: send it again in a moment"));
            return;
        }
        ctx.addEndHandler(ended -> budget.release(reserve));
        body.handle(ctx);
    }

    private static long declaredLength(RoutingContext ctx) {
        String header = ctx.request().getHeader("content-length");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
