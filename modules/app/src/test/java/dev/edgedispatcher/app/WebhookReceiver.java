package dev.edgedispatcher.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback webhook receiver that answers 200 and records the {@code webhook-id} of every request.
 * Vert.x rather than the JDK's HttpServer: that one closes idle keep-alive connections beyond 200
 * ({@code sun.net.httpserver.maxIdleConnections}), which makes deliveries fail for reasons that
 * have nothing to do with the faults under test.
 */
final class WebhookReceiver implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

    WebhookReceiver() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            String id = request.getHeader("webhook-id");
            if (id != null) {
                seen.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
            }
            request.response().setStatusCode(200).end("ok");
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** The webhook ids received so far. */
    Set<String> seenIds() {
        return Set.copyOf(seen.keySet());
    }

    /** How many requests each webhook id arrived with. */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        seen.forEach((id, n) -> counts.put(id, n.get()));
        return counts;
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
