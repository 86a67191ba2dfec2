package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.scheduler.explain.Explainer;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code GET /v1/explain?url=&kind=&media_server=}: the effective policy and region of a URL. */
final class ExplainHandler implements Handler<RoutingContext> {

    private final Explainer explainer;

    ExplainHandler(Explainer explainer) {
        this.explainer = explainer;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String url = ctx.request().getParam("url");
        if (url == null) {
            respond(ctx, 400, error("invalid_url", "url", "url is missing: GET /v1/explain?url=...&kind=..."));
            return;
        }
        Future.fromCompletionStage(explainer.explain(url, ctx.request().getParam("kind", "answer_url"),
                Optional.ofNullable(ctx.request().getParam("media_server"))), ctx.vertx().getOrCreateContext())
                .onComplete(result -> {
                    if (result.failed()) {
                        respond(ctx, 500, error("internal", null, String.valueOf(result.cause())));
                    } else if (result.result() instanceof ParseResult.Rejected<ObjectNode> rejected) {
                        respond(ctx, 400, PolicyJson.error(rejected.error()));
                    } else {
                        respond(ctx, 200, result.result().orElseThrow());
                    }
                });
    }
}
