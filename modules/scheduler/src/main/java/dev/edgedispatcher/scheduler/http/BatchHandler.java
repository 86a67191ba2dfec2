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
import dev.edgedispatcher.scheduler.auth.KeyRateLimiter;
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
    private final int maxJobBytes;

    BatchHandler(JobValidator validator, JobAcceptor acceptor, RejectionCounter rejections, ApiKeyCheck keys,
            int maxJobBytes) {
        this.validator = validator;
        this.acceptor = acceptor;
        this.rejections = rejections;
        this.keys = keys;
        this.maxJobBytes = maxJobBytes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        var buffer = ctx.body().buffer();
        BatchBody.Read read = BatchBody.read(buffer == null ? null : buffer.getBytes(), MAX_BATCH, maxJobBytes);
        if (read.jobs().isEmpty()) {
            respond(ctx, read.status(), read.error().orElseThrow());
            return;
        }
        List<JsonNode> jobs = read.jobs().get();
        // One token per job, taken before any work: the jobs past the key's tokens are refused 429 each.
        Optional<ApiKeys.Key> key = ApiKeyCheck.caller(ctx);
        int granted = jobs.size();
        if (key.isPresent() && keys.rateLimiter().isPresent()) {
            KeyRateLimiter.Grant grant = keys.rateLimiter().get().takeUpTo(key.get().id(), jobs.size());
            if (grant.granted() == 0 && !jobs.isEmpty()) {
                keys.rateLimited(ctx, key.get(), grant.waitMs());
                return;
            }
            granted = grant.granted();
            if (granted < jobs.size()) {
                ctx.response().putHeader("retry-after", Long.toString(Math.max(1, (grant.waitMs() + 999) / 1000)));
            }
        }
        List<CompletableFuture<ObjectNode>> entries = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            int index = i;
            if (index >= granted) {
                entries.add(CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("index", index)
                        .put("status", 429).setAll(error("rate_limited", null, "API key " + key.orElseThrow().id()
                                + " had tokens for " + granted + " of this batch's " + jobs.size()
                                + " jobs; send this one again after Retry-After"))));
                continue;
            }
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
