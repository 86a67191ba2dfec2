package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.scheduler.replay.Replayer;
import dev.edgedispatcher.store.JobQuery;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/jobs:redrive} {@code {"state": "failed"|"delivered", "region"?, "account"?,
 * "host"?, "outcome"?, "since"?, "until"?, "limit"?, "dry_run"?}}: sends every matching job again,
 * once each, paced, and answers 200 {@code {"matched", "accepted", "not_redrivable",
 * "publish_failed", "dry_run", "not_redrivable_samples"}} when done. {@code limit}
 * defaults to {@value #DEFAULT_LIMIT}; with a rate limit each match costs a token (429 before
 * sending anything when the bucket lacks them, naming {@code limit} when they are more than a
 * burst); a client that closes its connection stops the redrive at the next chunk.
 */
final class RedriveHandler implements Handler<RoutingContext> {

    /** The largest {@code limit} a redrive may name. */
    static final int MAX_LIMIT = 1_000_000;
    /**
     * Without a {@code limit}, a redrive takes at most this many matches (about 10 s at the default
     * pace): a bigger one must say so.
     */
    static final int DEFAULT_LIMIT = 10_000;

    private final Replayer replayer;
    private final ApiKeyCheck keys;

    RedriveHandler(Replayer replayer, ApiKeyCheck keys) {
        this.replayer = replayer;
        this.keys = keys;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<JsonNode> parsed = JsonReplies.parseBody(ctx);
        if (parsed.isEmpty()) {
            return;
        }
        JsonNode body = parsed.get();
        if (!body.isObject()) {
            respond(ctx, 400, error("invalid_body", "body", "the redrive body must be a JSON object:"
                    + " {\"state\": \"failed\", \"region\"?, \"account\"?, \"host\"?, \"outcome\"?, \"since\"?, \"until\"?,"
                    + " \"limit\"?, \"dry_run\"?}"));
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("dry_run")) {
                continue;
            }
            if (!field.getValue().isTextual() && !field.getValue().isIntegralNumber()) {
                respond(ctx, 400, error("invalid_filter", field.getKey(), field.getKey() + " must be a string"
                        + (field.getKey().equals("limit") ? " or an integer" : "") + ", not " + field.getValue()));
                return;
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        JsonNode dryRunNode = body.get("dry_run");
        if (dryRunNode != null && !dryRunNode.isBoolean()) {
            respond(ctx, 400, error("invalid_filter", "dry_run", "dry_run must be true or false, not " + dryRunNode));
            return;
        }
        if (!values.containsKey("state")) {
            respond(ctx, 400, error("invalid_filter", "state", "state is missing: redrive jobs in a final state,"
                    + " one of " + String.join(", ", JobFilters.FINAL_STATES)));
            return;
        }
        JobFilters.Result result = JobFilters.parse(values, Set.of("dry_run"), JobFilters.FINAL_STATES, DEFAULT_LIMIT, MAX_LIMIT,
                false);
        if (result.error().isPresent()) {
            respond(ctx, 400, result.error().get());
            return;
        }
        JobFilters.Parsed filters = result.parsed().orElseThrow();
        JobQuery query = filters.query();
        Optional<String> caller = ApiKeyCheck.callerAccount(ctx);
        if (caller.isPresent()) {
            if (query.account().isPresent() && !query.account().get().equals(caller.get())) {
                respond(ctx, 403, error("forbidden", "account", "this API key belongs to account '" + caller.get()
                        + "'; it cannot redrive the jobs of account '" + query.account().get() + "'"));
                return;
            }
            query = query.forAccount(caller.get());
        }
        boolean dryRun = dryRunNode != null && dryRunNode.asBoolean();
        // With a rate limit, a redrive also costs the jobs it matches (at most the burst, as a batch),
        // taken before anything is sent; a dry run sends nothing and costs only its request.
        Optional<ApiKeys.Key> key = ApiKeyCheck.caller(ctx);
        Replayer.Admission admission = dryRun || key.isEmpty() || keys.rateLimiter().isEmpty() ? Replayer.Admission.ALWAYS
                : matched -> keys.rateLimiter().get().tryTake(key.get().id(), matched);
        // The client gone (closed its connection): no further chunk is sent.
        AtomicBoolean cancelled = new AtomicBoolean();
        ctx.response().closeHandler(closed -> cancelled.set(true));
        Future.fromCompletionStage(replayer.redrive(query, filters.limit(), dryRun, admission, cancelled::get),
                ctx.vertx().getOrCreateContext())
                .onComplete(done -> {
                    if (done.failed()) {
                        Throwable cause = JsonReplies.cause(done.cause());
                        if (cause instanceof dev.edgedispatcher.store.StoreUnavailableException) {
                            // Nothing was sent: the jobs to redrive could not be listed.
                            JsonReplies.storeUnavailable(ctx, cause);
                        } else {
                            ctx.fail(cause);
                        }
                        return;
                    }
                    Replayer.RedriveReport report = done.result();
                    if (report.retryAfterMs() == Long.MAX_VALUE) {
                        // More than a whole bucket: waiting never helps, a smaller redrive does.
                        int burst = keys.rateLimiter().orElseThrow().burstOf();
                        ctx.response().putHeader("retry-after", "1");
                        respond(ctx, 429, error("rate_limited", "limit", "this redrive matches " + report.matched()
                                + " jobs and each costs a token: more than API key " + key.orElseThrow().id()
                                + " can hold (bursts of " + burst + "); redrive at most " + burst
                                + " at a time with \"limit\""));
                        return;
                    }
                    if (report.retryAfterMs() > 0) {
                        keys.rateLimited(ctx, key.orElseThrow(), report.retryAfterMs());
                        return;
                    }
                    ObjectNode answer = JsonNodeFactory.instance.objectNode();
                    answer.put("matched", report.matched());
                    answer.put("accepted", report.accepted());
                    answer.put("not_redrivable", report.notRedrivable());
                    answer.put("publish_failed", report.publishFailed());
                    answer.put("dry_run", report.dryRun());
                    ArrayNode samples = answer.putArray("not_redrivable_samples");
                    report.notRedrivableSamples().forEach(skipped -> samples.addObject().put("id", skipped.id())
                            .put("reason", skipped.reason()));
                    respond(ctx, 200, answer);
                });
    }
}
