package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.scheduler.store.JobReads;
import io.vertx.core.Future;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /v1/jobs/{id}}: one job's status document from the job store (over the whole
 * retention), 404 when unknown or another account's, 503 when the store cannot be read.
 */
final class JobStatusHandler implements Handler<RoutingContext> {

    private final JobReads reads;

    JobStatusHandler(JobReads reads) {
        this.reads = reads;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Optional<String> account = ApiKeyCheck.callerAccount(ctx);
        // Another account's job is answered as if unknown.
        Future.fromCompletionStage(reads.status(id, account), ctx.vertx().getOrCreateContext()).onComplete(done -> {
            if (done.failed()) {
                JsonReplies.storeUnavailable(ctx, done.cause());
            } else if (done.result().isPresent()) {
                respond(ctx, 200, done.result().get());
            } else {
                respond(ctx, 404, notFound(id));
            }
        });
    }

    /** The 404 document for {@code id}. */
    static ObjectNode notFound(String id) {
        return error("not_found", "id", "no job with id " + id + " (never accepted, or accepted longer ago than the"
                + " job store's retention, see --retention)");
    }
}
