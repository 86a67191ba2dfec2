package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.edgedispatcher.scheduler.replay.Replayer;
import dev.edgedispatcher.scheduler.replay.Replayer.RetryOutcome;
import dev.edgedispatcher.scheduler.store.JobReads;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code POST /v1/jobs/{id}:retry}: a final job sent again as a new job, 202
 * {@code {"id": new id, "retry_of": id}}; 409 when it is not final, 404 when unknown (or another
 * account's), 422 when its record cannot be sent again.
 */
final class RetryHandler implements Handler<RoutingContext> {

    private final Replayer replayer;

    RetryHandler(Replayer replayer) {
        this.replayer = replayer;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Optional<String> account = ApiKeyCheck.callerAccount(ctx);
        Future.fromCompletionStage(replayer.retry(id, account), ctx.vertx().getOrCreateContext()).onComplete(done -> {
            if (done.failed()) {
                Throwable cause = JsonReplies.cause(done.cause());
                if (cause instanceof dev.edgedispatcher.store.StoreUnavailableException) {
                    JsonReplies.storeUnavailable(ctx, cause);
                    return;
                }
                // Nothing was sent either way; a retry has no id of its own to repeat: POST it again.
                respond(ctx, 503, error("kafka_unavailable", null, cause instanceof Replayer.ReadBackFailed
                        ? "job " + id + " was not sent again: " + cause.getMessage() + "; POST the retry again"
                        : "Kafka did not acknowledge the new job (" + cause.getClass().getSimpleName() + ": "
                                + cause.getMessage() + "); job " + id + " was not sent again: POST the retry again"));
                return;
            }
            RetryOutcome outcome = done.result();
            if (outcome instanceof RetryOutcome.Accepted accepted) {
                respond(ctx, 202, JsonNodeFactory.instance.objectNode().put("id", accepted.id())
                        .put("retry_of", accepted.retryOf()));
            } else if (outcome instanceof RetryOutcome.NotFinal notFinal) {
                respond(ctx, 409, error("not_final", "id", "job " + id + " is " + notFinal.state()
                        + ": only a delivered or failed job can be retried"));
            } else if (outcome instanceof RetryOutcome.NotRedrivable not) {
                respond(ctx, 422, error("not_redrivable", "id", "job " + id + " cannot be sent again: " + not.reason()));
            } else {
                respond(ctx, 404, JobStatusHandler.notFound(id));
            }
        });
    }
}
