package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.scheduler.status.JobStatusIndex;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code GET /v1/jobs/{id}}: one job's status document, or 404 (unknown, another account's, or evicted). */
final class JobStatusHandler implements Handler<RoutingContext> {

    private final JobStatusIndex index;

    JobStatusHandler(JobStatusIndex index) {
        this.index = index;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Optional<String> account = ApiKeyCheck.callerAccount(ctx);
        // Another account's job is answered as if unknown; so is an evicted one, whose account is forgotten.
        Optional<ObjectNode> status = index.statusDocument(id, account);
        if (status.isPresent()) {
            respond(ctx, 200, status.get());
        } else {
            respond(ctx, 404, notFound(index, id, account.isEmpty()));
        }
    }

    /** The 404 document for {@code id}: says "evicted" when it was, and the caller may know. */
    static ObjectNode notFound(JobStatusIndex index, String id, boolean mayTellEvicted) {
        if (mayTellEvicted && index.wasEvicted(id)) {
            return error("evicted", "id", "job " + id + " reached a final state and was evicted from the"
                    + " status index (it keeps the newest " + index.retainedFinalJobs() + " final jobs, see"
                    + " --status-retention-jobs); its outcome is on the webhooks.results topic");
        }
        return error("not_found", "id", "no job with id " + id + " (never accepted here, or final"
                + " and evicted so long ago that the index no longer remembers the id: it remembers at least the"
                + " newest " + index.evictedIdsRemembered() + " evicted ids)");
    }
}
