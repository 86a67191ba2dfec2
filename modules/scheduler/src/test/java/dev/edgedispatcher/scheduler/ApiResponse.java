package dev.edgedispatcher.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * An answer of the API as {@link ApiClient} got it: the status, the body as JSON ({@code null} when
 * the body is empty or not JSON, e.g. {@code /metrics}) and the raw response (headers, the text).
 */
public record ApiResponse(int status, JsonNode body, HttpResponse<String> raw) {

    static ApiResponse of(HttpResponse<String> raw) {
        return new ApiResponse(raw.statusCode(), TestJson.readOrNull(raw.body()), raw);
    }

    /** The body as text, whatever it is. */
    public String text() {
        return raw.body();
    }

    /**
     * The body as JSON; when it is not JSON, an {@link IllegalStateException} naming the request (not
     * an assertion error, which Awaitility's {@code untilAsserted} would retry, as it would not a parse error).
     */
    public JsonNode json() {
        if (body == null) {
            throw new IllegalStateException("not a JSON body: " + this);
        }
        return body;
    }

    /** The error document's {@code error} code ({@code "store_unavailable"}), or null when the body has none. */
    public String error() {
        return body == null || !body.hasNonNull("error") ? null : body.get("error").asText();
    }

    /** The first value of a response header. */
    public Optional<String> header(String name) {
        return raw.headers().firstValue(name);
    }

    /** This answer, when its status is {@code expected}; else an {@link AssertionError} naming request, status and body. */
    public ApiResponse expect(int expected) {
        if (status != expected) {
            throw new AssertionError("expected status " + expected + ", got " + this);
        }
        return this;
    }

    /** {@code POST /v1/jobs -> 503 {"error":...}}: for assertion messages. */
    @Override
    public String toString() {
        String query = raw.request().uri().getRawQuery();
        return raw.request().method() + " " + raw.request().uri().getRawPath() + (query == null ? "" : "?" + query)
                + " -> " + status + " " + raw.body();
    }
}
