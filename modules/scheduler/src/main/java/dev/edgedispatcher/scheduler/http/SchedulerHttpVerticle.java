package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.PolicyError;
import dev.edgedispatcher.frontdoor.ConnectionGuard;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.scheduler.auth.KeyRateLimiter;
import dev.edgedispatcher.scheduler.explain.Explainer;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.scheduler.status.JobStatusIndex;
import dev.edgedispatcher.backbone.health.HealthChecks;
import dev.edgedispatcher.backbone.health.HealthReport;
import dev.edgedispatcher.backbone.health.Probe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The scheduler's HTTP API (SPEC §5). One instance per event loop; nothing here blocks: region
 * resolution and Kafka sends complete on their own threads and come back through futures.
 */
public final class SchedulerHttpVerticle extends VerticleBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = "/v1/jobs";
    private static final String BATCH = "/v1/jobs:batch";
    private static final int MAX_BATCH = 1000;

    /** What the verticle serves; shared by all instances. */
    public record Services(JobValidator validator, JobAcceptor acceptor, JobStatusIndex index, Explainer explainer,
            PrometheusMeterRegistry metrics, HealthChecks health, int port, String host, int maxJobBytes, int maxBatchBytes,
            ConnectionGuard guard, ApiAccess access, Optional<KeyRateLimiter> rateLimiter) {
    }

    private final Services services;
    private HttpServer server;

    public SchedulerHttpVerticle(Services services) {
        this.services = services;
    }

    @Override
    public Future<?> start() {
        server = services.guard().createServer(vertx, new HttpServerOptions().setPort(services.port())
                .setHost(services.host()).setCompressionSupported(false), this::route);
        return server.listen();
    }

    private void route(HttpServerRequest request) {
        String path = request.path();
        HttpMethod method = request.method();
        Optional<ApiKeys.Key> caller = Optional.empty();
        if (path.startsWith("/v1/") && services.access().enforced()) {
            // Checked before a body is read: an unauthenticated client gets nothing buffered.
            caller = authenticate(request);
            if (caller.isEmpty() || !path.equals(BATCH) && !withinRate(request, caller.get(), 1)) {
                return;
            }
        }
        Optional<ApiKeys.Key> key = caller;
        if (path.equals(JOBS) && method == HttpMethod.POST) {
            withBody(request, services.maxJobBytes(), body -> submitOne(request, body, key));
        } else if (path.equals(BATCH) && method == HttpMethod.POST) {
            withBody(request, services.maxBatchBytes(), body -> submitBatch(request, body, key));
        } else if (path.startsWith(JOBS + "/") && method == HttpMethod.GET) {
            String id = path.substring(JOBS.length() + 1);
            JobStatusIndex index = services.index();
            // Another account's job is answered as if unknown; so is an evicted one, whose account is forgotten.
            Optional<ObjectNode> status = index.statusDocument(id, key.map(ApiKeys.Key::account));
            if (status.isPresent()) {
                respond(request, 200, status.get());
            } else if (key.isEmpty() && index.wasEvicted(id)) {
                respond(request, 404, error("evicted", "id", "job " + id + " reached a final state and was evicted from the"
                        + " status index (it keeps the newest " + index.retainedFinalJobs() + " final jobs, see"
                        + " --status-retention-jobs); its outcome is on the webhooks.results topic"));
            } else {
                respond(request, 404, error("not_found", "id", "no job with id " + id + " (never accepted here, or final"
                        + " and evicted so long ago that the index no longer remembers the id: it remembers at least the"
                        + " newest " + index.evictedIdsRemembered() + " evicted ids)"));
            }
        } else if (path.equals("/v1/explain") && method == HttpMethod.GET) {
            explain(request);
        } else if ((path.equals("/health") || path.equals("/health/ready")) && method == HttpMethod.GET) {
            health(request, Probe.READY, path.equals("/health"));
        } else if (path.equals("/health/live") && method == HttpMethod.GET) {
            health(request, Probe.LIVE, false);
        } else if (path.equals("/metrics") && method == HttpMethod.GET) {
            request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(services.metrics().scrape());
        } else {
            respond(request, 404, error("not_found", "path", "no route for " + method + " " + path
                    + ": see POST /v1/jobs, POST /v1/jobs:batch, GET /v1/jobs/{id}, GET /v1/explain, /health,"
                    + " /health/live, /health/ready, /metrics"));
        }
    }

    /**
     * {@code /health/live} and {@code /health/ready} (SPEC §6); {@code /health} answers as ready and
     * keeps its older {@code jobs_indexed} field. Components may be embedded ones ({@code up}'s
     * workers) whose checks are not ours to trust with an event loop: asked on a worker thread.
     */
    private void health(HttpServerRequest request, Probe probe, boolean withIndexSize) {
        vertx.executeBlocking(() -> services.health().report(probe), false).onComplete(result -> {
            if (result.failed()) {
                respond(request, 503, error("health check failed", null, String.valueOf(result.cause())));
                return;
            }
            HealthReport report = result.result();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", report.up() ? "up" : "down");
            ObjectNode components = body.putObject("components");
            report.components().forEach((name, status) -> components.putObject(name)
                    .put("status", status.up() ? "up" : "down").put("detail", status.detail()));
            if (withIndexSize) {
                body.put("jobs_indexed", services.index().size());
            }
            respond(request, report.httpStatus(), body);
        });
    }

    /** The caller's key, or empty after answering 401. */
    private Optional<ApiKeys.Key> authenticate(HttpServerRequest request) {
        String authorization = request.getHeader("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(request, "Bearer realm=\"edge-dispatcher\"", "an API key is required: send Authorization: Bearer <key>"
                    + " (dispatcher keys create --account A)");
            return Optional.empty();
        }
        Optional<ApiKeys.Key> key = services.access().keys().authenticate(authorization.substring(7).trim());
        if (key.isEmpty()) {
            unauthorized(request, "Bearer realm=\"edge-dispatcher\", error=\"invalid_token\"",
                    "the API key is not valid (unknown, revoked or mistyped)");
        }
        return key;
    }

    private static void unauthorized(HttpServerRequest request, String challenge, String detail) {
        request.response().putHeader("www-authenticate", challenge);
        respond(request, 401, error("unauthorized", "authorization", detail));
    }

    /** Takes {@code cost} from the key's bucket, or answers 429 with Retry-After (whole seconds, at least 1). */
    private boolean withinRate(HttpServerRequest request, ApiKeys.Key key, int cost) {
        if (services.rateLimiter().isEmpty()) {
            return true;
        }
        KeyRateLimiter limiter = services.rateLimiter().get();
        long waitMs = limiter.tryTake(key.id(), cost);
        if (waitMs == 0) {
            return true;
        }
        request.response().putHeader("retry-after", Long.toString(Math.max(1, (waitMs + 999) / 1000)));
        respond(request, 429, error("rate limited", null, "API key " + key.id() + " may send "
                + limiter.limit().perSecond() + " jobs/requests per second (bursts of " + limiter.limit().burst()
                + "); retry in " + waitMs + " ms"));
        return false;
    }

    /**
     * With a key: a job naming no account gets the key's (the published job carries it); one naming
     * another account is refused. Returns the refusal, or empty when the job may go on.
     */
    private static Optional<ObjectNode> claimAccount(JsonNode job, Optional<ApiKeys.Key> key) {
        if (key.isEmpty() || !job.isObject()) {
            return Optional.empty();
        }
        JsonNode account = job.get("account");
        if (account == null || account.isNull()) {
            ((ObjectNode) job).put("account", key.get().account());
            return Optional.empty();
        }
        if (account.isTextual() && !account.asText().equals(key.get().account())) {
            return Optional.of(error("forbidden", "account", "this API key belongs to account '" + key.get().account()
                    + "'; it cannot submit jobs for account '" + account.asText() + "'"));
        }
        return Optional.empty(); // its own account, or not a string: the validator answers that
    }

    /**
     * A repeat of an id another account's job holds: refused without saying anything of that job
     * (checked on the acceptor's answer, so two accounts racing for one id are covered too).
     */
    private static Optional<ObjectNode> idTaken(JobAcceptor.Accepted accepted, Optional<ApiKeys.Key> key) {
        if (key.isEmpty() || !accepted.duplicate() || accepted.owner().isEmpty()
                || accepted.owner().get().equals(key.get().account())) {
            return Optional.empty();
        }
        return Optional.of(error("id conflict", "id", "the id " + accepted.document().path("id").asText()
                + " is taken: choose another"));
    }

    private void submitOne(HttpServerRequest request, Buffer body, Optional<ApiKeys.Key> key) {
        JsonNode job = parseJson(request, body);
        if (job == null) {
            return;
        }
        Optional<ObjectNode> forbidden = claimAccount(job, key);
        if (forbidden.isPresent()) {
            respond(request, 403, forbidden.get());
            return;
        }
        ParseResult<ValidatedJob> validated = services.validator().validate(job);
        if (validated instanceof ParseResult.Rejected<ValidatedJob> rejected) {
            countRejected(rejected.error());
            respond(request, 400, PolicyJson.error(rejected.error()));
            return;
        }
        onContext(services.acceptor().accept(validated.orElseThrow())).onComplete(result -> {
            if (result.failed()) {
                respond(request, 503, kafkaUnavailable(result.cause()));
                return;
            }
            Optional<ObjectNode> taken = idTaken(result.result(), key);
            if (taken.isPresent()) {
                respond(request, 409, taken.get());
            } else {
                ObjectNode document = result.result().document();
                if (result.result().duplicate()) {
                    document.put("duplicate", true);
                }
                respond(request, 202, document);
            }
        });
    }

    private void submitBatch(HttpServerRequest request, Buffer body, Optional<ApiKeys.Key> key) {
        JsonNode jobs = parseJson(request, body);
        if (jobs == null) {
            return;
        }
        if (!jobs.isArray()) {
            respond(request, 400, error("invalid body", "body", "the batch must be a JSON array of jobs"));
            return;
        }
        if (jobs.size() > MAX_BATCH) {
            respond(request, 413, error("too many jobs", "body", "a batch holds at most " + MAX_BATCH + " jobs, this one "
                    + jobs.size()));
            return;
        }
        if (key.isPresent() && !withinRate(request, key.get(), jobs.size())) {
            return;
        }
        List<CompletableFuture<ObjectNode>> entries = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            int index = i;
            // Per job, as validation errors are: the batch's other jobs are accepted.
            Optional<ObjectNode> forbidden = claimAccount(jobs.get(i), key);
            if (forbidden.isPresent()) {
                entries.add(CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("index", index)
                        .put("status", 403).setAll(forbidden.get())));
                continue;
            }
            ParseResult<ValidatedJob> validated = services.validator().validate(jobs.get(i));
            if (validated instanceof ParseResult.Rejected<ValidatedJob> rejected) {
                countRejected(rejected.error());
                ObjectNode entry = JsonNodeFactory.instance.objectNode().put("index", index);
                entry.setAll(PolicyJson.error(rejected.error()));
                entries.add(CompletableFuture.completedFuture(entry));
                continue;
            }
            entries.add(services.acceptor().accept(validated.orElseThrow()).handle((accepted, failure) -> {
                if (failure != null) {
                    ObjectNode entry = JsonNodeFactory.instance.objectNode().put("index", index);
                    entry.setAll(kafkaUnavailable(failure));
                    return entry;
                }
                Optional<ObjectNode> taken = idTaken(accepted, key);
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
        onContext(CompletableFuture.allOf(entries.toArray(CompletableFuture[]::new))).onComplete(done -> {
            ObjectNode response = JsonNodeFactory.instance.objectNode();
            ArrayNode results = response.putArray("results");
            entries.forEach(entry -> results.add(entry.join()));
            respond(request, 200, response);
        });
    }

    private void explain(HttpServerRequest request) {
        String url = request.getParam("url");
        if (url == null) {
            respond(request, 400, error("invalid url", "url", "url is missing: GET /v1/explain?url=...&kind=..."));
            return;
        }
        onContext(services.explainer().explain(url, request.getParam("kind", "answer_url"),
                Optional.ofNullable(request.getParam("media_server")))).onComplete(result -> {
                    if (result.failed()) {
                        respond(request, 500, error("internal", null, String.valueOf(result.cause())));
                    } else if (result.result() instanceof ParseResult.Rejected<ObjectNode> rejected) {
                        respond(request, 400, PolicyJson.error(rejected.error()));
                    } else {
                        respond(request, 200, result.result().orElseThrow());
                    }
                });
    }

    private <T> Future<T> onContext(CompletableFuture<T> future) {
        return Future.fromCompletionStage(future, context);
    }

    private void withBody(HttpServerRequest request, int limit, java.util.function.Consumer<Buffer> handler) {
        String declared = request.getHeader("content-length");
        if (declared != null && parseLong(declared) > limit) {
            tooLarge(request, limit);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] overflow = {false};
        request.handler(chunk -> {
            if (overflow[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                overflow[0] = true;
                tooLarge(request, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (!overflow[0]) {
                handler.accept(body);
            }
        });
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void tooLarge(HttpServerRequest request, int limit) {
        respond(request, 413, error("payload too large", "body", "the request body exceeds " + limit + " bytes"));
    }

    private JsonNode parseJson(HttpServerRequest request, Buffer body) {
        try {
            JsonNode node = JSON.readTree(body.getBytes());
            if (node == null || node.isMissingNode()) {
                respond(request, 400, error("malformed json", "body", "the request body is empty: send a JSON document"));
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            respond(request, 400, error("malformed json", "body", "the request body is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
            return null;
        } catch (java.io.IOException e) {
            respond(request, 400, error("malformed json", "body", e.getMessage()));
            return null;
        }
    }

    private void countRejected(PolicyError error) {
        Counter.builder("dispatcher_jobs_rejected").tag("field", error.field().startsWith("params.") ? "params" : error.field())
                .register(services.metrics()).increment();
    }

    private static ObjectNode kafkaUnavailable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return error("kafka unavailable", null, "Kafka did not acknowledge the job (" + cause.getClass().getSimpleName()
                + ": " + cause.getMessage() + "); it was NOT accepted: retry with the same id");
    }

    private static ObjectNode error(String error, String field, String detail) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error", error);
        node.put("field", field);
        node.put("detail", detail);
        return node;
    }

    private static void respond(HttpServerRequest request, int status, ObjectNode body) {
        if (request.response().ended()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        request.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(Buffer.buffer(bytes));
    }
}
