package dev.edgedispatcher.frontdoor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies {@link FrontDoorLimits} to the HTTP/1.1 servers of one listener (one instance shared by
 * every verticle instance of it): a deadline per connection for the next request's headers, a
 * deadline per request for its body, and a cap on open connections. Vert.x's own idle timeout
 * counts silence only, so a client dribbling a byte now and then would survive it; these
 * deadlines do not move while the client sends.
 *
 * <p>Metrics, tagged {@code server}: {@code dispatcher_http_connections_open},
 * {@code dispatcher_http_connections_refused_total} and
 * {@code dispatcher_http_connections_timed_out_total{reason=header|body|idle}}.
 */
public final class ConnectionGuard {

    private final FrontDoorLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Tracked> connections = new ConcurrentHashMap<>();
    private final Counter refused;
    private final Counter headerTimeouts;
    private final Counter bodyTimeouts;
    private final Counter idleTimeouts;

    /** One connection's state; touched only on the connection's event loop. */
    private static final class Tracked {
        final boolean admitted;
        long timer = -1;
        HttpServerRequest current;

        Tracked(boolean admitted) {
            this.admitted = admitted;
        }
    }

    public ConnectionGuard(FrontDoorLimits limits, MeterRegistry metrics, String server) {
        this.limits = limits;
        Gauge.builder("dispatcher_http_connections_open", open, AtomicInteger::get).tag("server", server)
                .description("HTTP connections this server holds open").register(metrics);
        refused = Counter.builder("dispatcher_http_connections_refused").tag("server", server)
                .description("connections closed on arrival because " + limits.maxConnections() + " were open")
                .register(metrics);
        headerTimeouts = timedOut(metrics, server, "header");
        bodyTimeouts = timedOut(metrics, server, "body");
        idleTimeouts = timedOut(metrics, server, "idle");
    }

    private static Counter timedOut(MeterRegistry metrics, String server, String reason) {
        return Counter.builder("dispatcher_http_connections_timed_out").tag("server", server).tag("reason", reason)
                .description("connections closed because a request's headers or body, or the next request, came too late")
                .register(metrics);
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /**
     * Creates a guarded HTTP/1.1 server ({@code handler} serves its requests). Cleartext HTTP/2 is
     * turned off: with it on, Vert.x waits for a connection's first bytes before handing it over,
     * so a connection that never sends anything would escape the header deadline and the cap.
     */
    public HttpServer createServer(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler) {
        return vertx.createHttpServer(new HttpServerOptions(options).setHttp2ClearTextEnabled(false))
                .connectionHandler(connection -> connected(vertx, connection))
                .requestHandler(request -> received(vertx, request, handler));
    }

    private void connected(Vertx vertx, HttpConnection connection) {
        boolean admitted = open.incrementAndGet() <= limits.maxConnections();
        if (!admitted) {
            open.decrementAndGet();
        }
        Tracked tracked = new Tracked(admitted);
        connections.put(connection, tracked);
        connection.closeHandler(closed -> {
            Tracked gone = connections.remove(connection);
            if (gone != null) {
                vertx.cancelTimer(gone.timer);
                if (gone.admitted) {
                    open.decrementAndGet();
                }
            }
        });
        if (!admitted) {
            refused.increment();
            connection.close();
            return;
        }
        tracked.timer = vertx.setTimer(limits.headerTimeout().toMillis(), id -> expire(connection, tracked, headerTimeouts));
    }

    private void received(Vertx vertx, HttpServerRequest request, Handler<HttpServerRequest> handler) {
        HttpConnection connection = request.connection();
        Tracked tracked = connections.get(connection);
        if (tracked == null) {
            handler.handle(request); // not an HTTP/1 connection this guard saw open: nothing to time
            return;
        }
        if (!tracked.admitted) {
            return; // refused, closing
        }
        vertx.cancelTimer(tracked.timer);
        tracked.timer = -1;
        tracked.current = request;
        if (!request.isEnded()) {
            tracked.timer = vertx.setTimer(limits.bodyTimeout().toMillis(), id -> bodyDeadline(vertx, connection, tracked, request));
        }
        request.response().endHandler(ended -> {
            if (tracked.current == request && connections.get(connection) == tracked && request.isEnded()) {
                waitForNext(vertx, connection, tracked);
            }
            // else: the body is still arriving (an early answer such as 401 or 413); its deadline runs on
        });
        handler.handle(request);
    }

    private void bodyDeadline(Vertx vertx, HttpConnection connection, Tracked tracked, HttpServerRequest request) {
        if (tracked.current != request || connections.get(connection) != tracked) {
            return;
        }
        if (!request.isEnded()) {
            bodyTimeouts.increment();
            tracked.timer = -1;
            if (request.response().ended()) {
                connection.close();
                return;
            }
            request.response().setStatusCode(408).putHeader("content-type", "application/json")
                    .putHeader("connection", "close")
                    .end("{\"error\":\"request_timeout\",\"field\":\"body\",\"detail\":\"the request body did not arrive within "
                            + limits.bodyTimeout().toMillis() + " ms of its headers\"}")
                    .onComplete(done -> connection.close());
        } else if (request.response().ended()) {
            waitForNext(vertx, connection, tracked); // answered early, body drained since
        }
    }

    private void waitForNext(Vertx vertx, HttpConnection connection, Tracked tracked) {
        vertx.cancelTimer(tracked.timer);
        tracked.timer = vertx.setTimer(limits.idleTimeout().toMillis(), id -> expire(connection, tracked, idleTimeouts));
    }

    private void expire(HttpConnection connection, Tracked tracked, Counter reason) {
        if (connections.get(connection) != tracked) {
            return;
        }
        reason.increment();
        tracked.timer = -1;
        connection.close();
    }
}
