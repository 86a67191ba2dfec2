package dev.edgedispatcher.scheduler.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of every {@code /v1} endpoint, the resource
 * {@value #RESOURCE} (checked against the running server by {@code OpenApiContractTest}).
 */
public final class OpenApiHandler implements Handler<RoutingContext> {

    public static final String RESOURCE = "/dev/edgedispatcher/scheduler/http/openapi.json";

    private final Buffer document = Buffer.buffer(document());

    /** The document's bytes, as served. */
    public static byte[] document() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the scheduler's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "application/json").end(document);
    }
}
