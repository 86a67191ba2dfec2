package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.store.JobQuery;
import dev.edgedispatcher.scheduler.store.JobReads;
import io.vertx.core.Future;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/jobs?state=&region=&account=&host=&outcome=&since=&until=&limit=&cursor=}: the
 * jobs of the job store (the whole retention), newest accept first, {@value #DEFAULT_LIMIT} a page by default (at
 * most {@value #MAX_LIMIT}). With API keys, a caller sees its own account's jobs only.
 */
final class ListJobsHandler implements Handler<RoutingContext> {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final JobReads reads;

    ListJobsHandler(JobReads reads) {
        this.reads = reads;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : ctx.queryParams().names()) {
            if (ctx.queryParams().getAll(name).size() > 1) {
                respond(ctx, 400, error("invalid_filter", name, "'" + name + "' is given "
                        + ctx.queryParams().getAll(name).size() + " times: give it once"));
                return;
            }
            values.put(name, ctx.queryParams().get(name));
        }
        JobFilters.Result result = JobFilters.parse(values, Set.of(), JobFilters.STATES, DEFAULT_LIMIT, MAX_LIMIT, true);
        if (result.error().isPresent()) {
            respond(ctx, 400, result.error().get());
            return;
        }
        JobFilters.Parsed parsed = result.parsed().orElseThrow();
        Optional<String> caller = ApiKeyCheck.callerAccount(ctx);
        JobQuery query = parsed.query();
        if (caller.isPresent()) {
            if (query.account().isPresent() && !query.account().get().equals(caller.get())) {
                respond(ctx, 403, error("forbidden", "account", "this API key belongs to account '" + caller.get()
                        + "'; it cannot list the jobs of account '" + query.account().get() + "'"));
                return;
            }
            query = query.forAccount(caller.get());
        }
        JobQuery filters = query;
        Future.fromCompletionStage(reads.list(filters, parsed.cursor(), parsed.limit()), ctx.vertx().getOrCreateContext())
                .onComplete(done -> {
            if (done.failed()) {
                JsonReplies.storeUnavailable(ctx, done.cause());
                return;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode jobs = body.putArray("jobs");
            done.result().jobs().forEach(jobs::add);
            body.put("next_cursor", done.result().next().map(c -> c.encode()).orElse(null));
            respond(ctx, 200, body);
        });
    }
}
