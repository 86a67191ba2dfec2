package dev.edgedispatcher.scheduler.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The status page ({@code GET /}, docs/api.md, "Finding and redriving jobs"): three files of this
 * module's resources ({@code status-page/}), read once at start and served from memory, so nothing
 * is extracted to a cache directory and no event loop touches a file. The page is public (it holds
 * no data); its scripts read {@code /v1}, with the API key the user pastes when keys are on.
 */
public final class StatusPageHandler implements Handler<RoutingContext> {

    /** Where the page's script and style sheet are served. */
    public static final String ASSETS = "/static/";
    private static final String RESOURCES = "status-page/";
    /** Scripts and styles from this origin only, no inline code, not framed: the page shows data from jobs. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(Buffer body, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;

    public StatusPageHandler() {
        this.assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                ASSETS + "status.js", load("status.js", "text/javascript; charset=utf-8"),
                ASSETS + "status.css", load("status.css", "text/css; charset=utf-8"));
    }

    @Override
    public void handle(RoutingContext context) {
        Asset asset = assets.get(context.request().path());
        if (asset == null) {
            context.next();
            return;
        }
        HttpServerResponse response = context.response();
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader(HttpHeaders.ETAG, asset.etag())
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                .putHeader("content-security-policy", CSP);
        if (asset.etag().equals(context.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType()).end(asset.body());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StatusPageHandler.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the status page resource " + RESOURCES + name + " is missing from the jar");
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
            return new Asset(Buffer.buffer(bytes), contentType, etag);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the status page resource " + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
