package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.scheduler.Failures;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The API's JSON answers and its one error shape: {@code {"error", "field", "detail"}}. */
public final class JsonReplies {

    static final ObjectMapper JSON = new ObjectMapper();

    private JsonReplies() {
    }

    /** The error document every 4xx/5xx of the API carries; {@code field} may be null. */
    public static ObjectNode error(String error, String field, String detail) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error", error);
        node.put("field", field);
        node.put("detail", detail);
        return node;
    }

    public static void respond(RoutingContext ctx, int status, JsonNode body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(status).putHeader("content-type", "application/json").end(Buffer.buffer(bytes));
    }

    /** The request body as JSON, or empty after answering 400 naming {@code body}. */
    static Optional<JsonNode> parseBody(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        try {
            JsonNode node = body == null || body.length() == 0 ? null : JSON.readTree(body.getBytes());
            if (node == null || node.isMissingNode()) {
                respond(ctx, 400, error("malformed_json", "body", "the request body is empty: send a JSON document"));
                return Optional.empty();
            }
            return Optional.of(node);
        } catch (JsonProcessingException e) {
            respond(ctx, 400, error("malformed_json", "body", "the request body is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
            return Optional.empty();
        } catch (java.io.IOException e) {
            respond(ctx, 400, error("malformed_json", "body", e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * The answer to an accept that failed: 503 with a snake_case reason ({@code store_unavailable},
     * {@code in_doubt} with the job's id, {@code kafka unavailable}) and {@code Retry-After}.
     */
    static void acceptFailed(RoutingContext ctx, Throwable failure) {
        ctx.response().putHeader("Retry-After", "1");
        respond(ctx, 503, acceptFailure(failure));
    }

    /** The error document of a failed accept (also one entry of a batch). */
    static ObjectNode acceptFailure(Throwable failure) {
        Throwable cause = cause(failure);
        if (cause instanceof dev.edgedispatcher.store.StoreUnavailableException) {
            return error("store_unavailable", "id", "the job store cannot check this id now; the job was NOT accepted:"
                    + " retry with the same id, or submit without an id");
        }
        if (cause instanceof dev.edgedispatcher.scheduler.RegionUnavailableException unavailable) {
            return error("region_unavailable", "region", "region " + unavailable.region().wireName()
                    + "'s Kafka cluster cannot be written to now (" + kind(unavailable.getCause()) + "); the job was NOT"
                    + " accepted: retry with the same id");
        }
        if (cause instanceof dev.edgedispatcher.scheduler.store.InDoubtException inDoubt) {
            ObjectNode node = error("in_doubt", "id", cause.getMessage());
            node.put("id", inDoubt.id());
            return node;
        }
        return kafkaUnavailable(failure);
    }

    /** The failure a future carried (see {@link Failures#cause}). */
    static Throwable cause(Throwable failure) {
        return Failures.cause(failure);
    }

    /** 503 store_unavailable for a read: the store cannot be asked now (never a 404). */
    static void storeUnavailable(RoutingContext ctx, Throwable failure) {
        Throwable cause = cause(failure);
        ctx.response().putHeader("Retry-After", "2");
        respond(ctx, 503, error("store_unavailable", null, "the job store cannot be read now (" + kind(cause) + ")"));
    }

    static ObjectNode kafkaUnavailable(Throwable failure) {
        Throwable cause = cause(failure);
        return error("kafka_unavailable", null, "Kafka did not acknowledge the job (" + kind(cause)
                + "); it was NOT accepted: retry with the same id");
    }

    /**
     * What kind of failure, never its text: exception messages can hold internals (addresses, the
     * store's URL) that an API client has no use for; the operator has the health report and logs.
     */
    private static String kind(Throwable cause) {
        return cause.getClass().getSimpleName();
    }
}
