package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code POST /v1/jobs:batch}: up to {@value #MAX_BATCH} jobs, one answer per job in input order. */
final class BatchHandler implements Handler<RoutingContext> {

    static final int MAX_BATCH = 1000;

    private final JobValidator validator;
    private final JobAcceptor acceptor;
    private final RejectionCounter rejections;
    private final ApiKeyCheck keys;

    BatchHandler(JobValidator validator, JobAcceptor acceptor, RejectionCounter rejections, ApiKeyCheck keys) {
        this.validator = validator;
        this.acceptor = acceptor;
        this.rejections = rejections;
        this.keys = keys;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<JsonNode> parsed = JsonReplies.parseBody(ctx);
        if (parsed.isEmpty()) {
            return;
        }
        JsonNode jobs = parsed.get();
        if (!jobs.isArray()) {
            respond(ctx, 400, error("invalid_body", "body", "the batch must be a JSON array of jobs"));
            return;
        }
        if (jobs.size() > MAX_BATCH) {
            respond(ctx, 413, error("too_many_jobs", "body", "a batch holds at most " + MAX_BATCH + " jobs, this one "
                    + jobs.size()));
            return;
        }
        Optional<ApiKeys.Key> key = ApiKeyCheck.caller(ctx);
        if (key.isPresent() && !keys.withinRate(ctx, key.get(), jobs.size())) {
            return;
        }
        List<CompletableFuture<ObjectNode>> entries = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            int index = i;
            // Per job, as validation errors are: the batch's other jobs are accepted.
            Optional<ObjectNode> forbidden = AccountClaims.claimAccount(jobs.get(i), key);
            if (forbidden.isPresent()) {
                entries.add(CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("index", index)
                        .put("status", 403).setAll(forbidden.get())));
                continue;
            }
            ParseResult<ValidatedJob> validated = validator.validate(jobs.get(i));
            if (validated instanceof ParseResult.Rejected<ValidatedJob> rejected) {
                ObjectNode entry = JsonNodeFactory.instance.objectNode().put("index", index);
                entry.setAll(rejections.rejected(rejected.error()));
                entries.add(CompletableFuture.completedFuture(entry));
                continue;
            }
            entries.add(acceptor.accept(validated.orElseThrow()).handle((accepted, failure) -> {
                if (failure != null) {
                    ObjectNode entry = JsonNodeFactory.instance.objectNode().put("index", index);
                    entry.put("status", 503);
                    entry.setAll(JsonReplies.acceptFailure(failure));
                    return entry;
                }
                Optional<ObjectNode> taken = AccountClaims.idTaken(accepted, key);
                if (taken.isPresent()) {
                    return JsonNodeFactory.instance.objectNode().put("index", index).put("status", 409).setAll(taken.get());
                }
                ObjectNode document = accepted.document();
                if (accepted.duplicate()) {
                    document.put("duplicate", true);
                }
                return document;
            }));
        }
        Future.fromCompletionStage(CompletableFuture.allOf(entries.toArray(CompletableFuture[]::new)),
                ctx.vertx().getOrCreateContext()).onComplete(done -> {
                    ObjectNode response = JsonNodeFactory.instance.objectNode();
                    ArrayNode results = response.putArray("results");
                    entries.forEach(entry -> results.add(entry.join()));
                    respond(ctx, 200, response);
                });
    }
}
