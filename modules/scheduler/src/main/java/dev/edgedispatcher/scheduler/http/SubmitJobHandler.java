package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code POST /v1/jobs}: validate, accept once Kafka has the job, answer 202 with the accept document. */
final class SubmitJobHandler implements Handler<RoutingContext> {

    private final JobValidator validator;
    private final JobAcceptor acceptor;
    private final RejectionCounter rejections;

    SubmitJobHandler(JobValidator validator, JobAcceptor acceptor, RejectionCounter rejections) {
        this.validator = validator;
        this.acceptor = acceptor;
        this.rejections = rejections;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<JsonNode> parsed = JsonReplies.parseBody(ctx);
        if (parsed.isEmpty()) {
            return;
        }
        JsonNode job = parsed.get();
        Optional<ApiKeys.Key> key = ApiKeyCheck.caller(ctx);
        Optional<ObjectNode> forbidden = AccountClaims.claimAccount(job, key);
        if (forbidden.isPresent()) {
            respond(ctx, 403, forbidden.get());
            return;
        }
        SubmitTiming.bodyRead(ctx);
        ParseResult<ValidatedJob> validated = validator.validate(job);
        if (validated instanceof ParseResult.Rejected<ValidatedJob> rejected) {
            respond(ctx, 400, rejections.rejected(rejected.error()));
            return;
        }
        Future.fromCompletionStage(acceptor.accept(validated.orElseThrow())
                        .whenComplete((accepted, failure) -> SubmitTiming.accepted(ctx)), ctx.vertx().getOrCreateContext())
                .onComplete(result -> {
                    if (result.failed()) {
                        JsonReplies.acceptFailed(ctx, result.cause());
                        return;
                    }
                    Optional<ObjectNode> taken = AccountClaims.idTaken(result.result(), key);
                    if (taken.isPresent()) {
                        respond(ctx, 409, taken.get());
                        return;
                    }
                    ObjectNode document = result.result().document();
                    if (result.result().duplicate()) {
                        document.put("duplicate", true);
                    }
                    respond(ctx, 202, document);
                });
    }
}
