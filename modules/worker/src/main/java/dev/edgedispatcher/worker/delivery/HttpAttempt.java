package dev.edgedispatcher.worker.delivery;

import dev.edgedispatcher.callback.AttemptBudget;
import dev.edgedispatcher.callback.AttemptPhase;
import dev.edgedispatcher.callback.FailureClass;
import dev.edgedispatcher.callback.FailureClassifier;
import dev.edgedispatcher.callback.IpLiteral;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP attempt with the timeouts of docs/callbacks.md, "Delivery semantics", timed by its own
 * event-loop timers so that each fires on time and is classified by how far the attempt got: ct
 * covers DNS, TCP connect and TLS; rt runs from the request fully sent to the status line, then as
 * the longest gap between body packets (a stall there is {@code partial}); the tt deadline aborts
 * the attempt as ct while connecting, else rt. The destination guard checks the resolved address,
 * and that exact address is connected to. ct runs during DNS and the TCP/TLS connect itself, never
 * while the attempt waits for a connection slot of the {@link ConnectionPool} (that wait counts
 * against tt only). One resolved address has at most {@code perAddress} attempts connecting or
 * connected at once, whatever the host names that lead to it (wildcard DNS): past that an attempt
 * waits, after its DNS and before it connects, against its tt (or its ct + rt deadline) only.
 * Must be called on a Vert.x event-loop context; completes on it.
 */
public final class HttpAttempt implements AutoCloseable {

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final DestinationGuard guard;
    private final ConnectionPools pools;
    private final DistributionSummary timerLateness;
    private final DestinationResolver dns;
    private final DestinationBulkheads addresses;

    /**
     * {@code client} only opens connections; {@code pools} owns them (see {@link ConnectionPool}).
     * {@code perAddress}: attempts at once per resolved address.
     */
    public HttpAttempt(Vertx vertx, HttpClientAgent client, DestinationGuard guard, ConnectionPools pools,
            int perAddress, MeterRegistry metrics) {
        this(vertx, client, guard, pools, perAddress, metrics, new DestinationResolver());
    }

    /** With its own resolver ({@code dns}, closed by {@link #close}). */
    HttpAttempt(Vertx vertx, HttpClientAgent client, DestinationGuard guard, ConnectionPools pools, int perAddress,
            MeterRegistry metrics, DestinationResolver dns) {
        this.addresses = new DestinationBulkheads(vertx, perAddress);
        this.vertx = vertx;
        this.client = client;
        this.guard = guard;
        this.pools = pools;
        this.timerLateness = DistributionSummary.builder("dispatcher_timer_lateness_seconds").baseUnit("seconds")
                .description("how late a ct, rt or tt timer fired after its due time")
                .publishPercentiles(0.5, 0.99, 0.999).percentilePrecision(3).register(metrics);
        this.dns = dns;
    }

    /** Stops its DNS resolver (the connections belong to the pools). */
    @Override
    public void close() {
        dns.close();
    }

    public Future<AttemptResult> execute(OutgoingRequest request, Map<String, String> headers, int attempt, AttemptBudget budget) {
        return new Run(request, headers, attempt, budget).start();
    }

    private final class Run {
        private final OutgoingRequest request;
        private final Map<String, String> headers;
        private final int attempt;
        private final AttemptBudget budget;
        private final Promise<AttemptResult> result = Promise.promise();
        private final Instant startedAt = Instant.now();
        private final long startNanos = System.nanoTime();
        private AttemptPhase phase = AttemptPhase.CONNECTING;
        private HttpClientRequest httpRequest;
        private Integer status;
        private long sentAfterMs = -1;
        private boolean finished;
        private long dnsMs;
        private Promise<ConnectionPool.Lease> leasePromise;
        private Promise<DestinationBulkheads.Permit> addressPromise;
        private DestinationBulkheads.Permit addressPermit;
        private ConnectionPool.Lease lease;
        private boolean retriedStaleConnection;
        private boolean connectionClose;
        private long connectTimer = -1;
        private long readTimer = -1;
        private long deadlineTimer = -1;

        Run(OutgoingRequest request, Map<String, String> headers, int attempt, AttemptBudget budget) {
            this.request = request;
            this.headers = headers;
            this.attempt = attempt;
            this.budget = budget;
        }

        Future<AttemptResult> start() {
            if (budget.deadlineMs().isPresent()) {
                long deadline = budget.deadlineMs().getAsLong();
                if (deadline <= 0) {
                    finish(FailureClass.CT, "total timeout (tt) already expired");
                    return result.future();
                }
                deadlineTimer = arm(deadline, () -> {
                    deadlineTimer = -1;
                    FailureClass failure = phase == AttemptPhase.CONNECTING ? FailureClass.CT : FailureClass.RT;
                    finish(failure, "total timeout (tt) expired after " + elapsedMs() + " ms of this attempt");
                });
            } else {
                // Kinds without tt (audio): rt alone is a gap timer, which a receiver sending a byte now
                // and then never trips. The attempt still ends at ct + rt, closing its connection
                // (docs/callbacks.md, "Final outcome").
                long bound = budget.connectTimeoutMs() + budget.readTimeoutMs();
                deadlineTimer = arm(bound, () -> {
                    deadlineTimer = -1;
                    FailureClass failure = phase == AttemptPhase.CONNECTING ? FailureClass.CT : FailureClass.RT;
                    finish(failure, "attempt deadline (ct + rt = " + bound + " ms, for kinds without tt) expired");
                });
            }
            connectTimer = arm(Math.max(1, budget.connectTimeoutMs()), () -> {
                connectTimer = -1;
                if (phase == AttemptPhase.CONNECTING) {
                    finish(FailureClass.CT, "connect timeout (ct) after " + budget.connectTimeoutMs() + " ms");
                }
            });
            String host = request.url().host();
            Optional<InetAddress> literal = IpLiteral.parse(host);
            if (literal.isPresent()) {
                connect(literal.get());
            } else {
                // Asynchronous: a slow name server holds no thread, only this attempt's ct.
                dns.resolve(host, vertx.getOrCreateContext()).onComplete(resolved -> {
                    if (resolved.failed()) {
                        finish(FailureClass.CT, "DNS lookup of " + host + " failed: " + resolved.cause().getMessage());
                    } else {
                        connect(resolved.result());
                    }
                });
            }
            return result.future();
        }

        private void connect(InetAddress address) {
            if (finished) {
                return;
            }
            Optional<String> refusal = guard.refusal(address);
            if (refusal.isPresent()) {
                finish(FailureClass.CT, refusal.get());
                return;
            }
            // DNS is part of ct; a wait for a place at the address or a connection slot is not (it
            // counts against tt only).
            cancel(connectTimer);
            connectTimer = -1;
            dnsMs = elapsedMs();
            ConnectionPool.Key key = new ConnectionPool.Key(request.url().host(), address, request.url().port(),
                    request.url().isHttps());
            addressPromise = Promise.promise();
            addresses.acquire(address.getHostAddress(), addressPromise);
            addressPromise.future().onComplete(permitted -> {
                if (permitted.failed()) {
                    return; // the attempt ended while it waited
                }
                if (finished) {
                    permitted.result().release();
                    return;
                }
                addressPermit = permitted.result();
                lease(key);
            });
        }

        private void lease(ConnectionPool.Key key) {
            leasePromise = Promise.promise();
            pools.current().acquire(key, () -> openConnection(key), leasePromise);
            leasePromise.future().onComplete(leased -> {
                if (leased.failed()) {
                    finish(FailureClass.CT, "connect failed: " + describe(leased.cause()));
                } else if (finished) {
                    leased.result().release(true);
                } else {
                    send(key, leased.result());
                }
            });
        }

        /** Called by the pool when the connect really starts: ct (less the DNS time) runs from here. */
        private Future<HttpClientConnection> openConnection(ConnectionPool.Key key) {
            long connectLeft = Math.max(1, budget.connectTimeoutMs() - dnsMs);
            connectTimer = arm(connectLeft, () -> {
                connectTimer = -1;
                if (phase == AttemptPhase.CONNECTING) {
                    finish(FailureClass.CT, "connect timeout (ct) after " + budget.connectTimeoutMs() + " ms");
                }
            });
            return client.connect(new HttpConnectOptions()
                    .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(key.address(), key.port())))
                    .setHost(key.host())
                    .setPort(key.port())
                    .setSsl(key.ssl())
                    // Our own timer classifies the timeout; Vert.x's is only a backstop behind it.
                    .setConnectTimeout(connectLeft + 200));
        }

        private void send(ConnectionPool.Key key, ConnectionPool.Lease lease) {
            this.lease = lease;
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(request.method()))
                    .setHost(request.url().host())
                    .setPort(request.url().port())
                    .setURI(request.requestTarget())
                    .setFollowRedirects(false);
            headers.forEach(options::putHeader);
            request.contentType().ifPresent(type -> options.putHeader("content-type", type));
            lease.connection().request(options).onComplete(obtained -> {
                if (finished) {
                    if (obtained.succeeded()) {
                        obtained.result().reset();
                    }
                    return;
                }
                if (obtained.failed()) {
                    if (lease.reused() && !retriedStaleConnection) {
                        // The server closed this idle connection as we took it: nothing was sent.
                        retryOnFreshConnection(key, lease);
                    } else {
                        lease.release(false);
                        this.lease = null;
                        finish(FailureClass.CT, "connect failed: " + describe(obtained.cause()));
                    }
                    return;
                }
                HttpClientRequest httpRequest = obtained.result();
                if (finished) {
                    httpRequest.reset();
                    return;
                }
                this.httpRequest = httpRequest;
                cancel(connectTimer);
                connectTimer = -1;
                phase = AttemptPhase.AWAITING_STATUS;
                httpRequest.response().onComplete(response -> {
                    if (finished || this.httpRequest != httpRequest) {
                        return; // ended, or moved to a fresh connection
                    }
                    if (response.failed() && closedWhileIdle(lease, response.cause())) {
                        // The server closed this pooled connection as we used it (an idle-connection
                        // limit or timeout on its side): nothing of an answer came back, so send on a
                        // fresh connection instead of failing the attempt. Receivers see at most a
                        // duplicate, which webhook-id lets them drop.
                        retryOnFreshConnection(key, lease);
                    } else if (response.failed()) {
                        finish(phase == AttemptPhase.READING_BODY ? FailureClass.PARTIAL : FailureClass.RT,
                                "no response: " + describe(response.cause()));
                    } else {
                        onResponse(response.result());
                    }
                });
                httpRequest.end(Buffer.buffer(request.body())).onSuccess(sent -> {
                    sentAfterMs = elapsedMs();
                    if (phase == AttemptPhase.AWAITING_STATUS && !finished) {
                        readTimer = arm(Math.max(1, budget.readTimeoutMs()), () -> {
                            readTimer = -1;
                            if (phase == AttemptPhase.AWAITING_STATUS) {
                                finish(FailureClass.RT, "read timeout (rt): no status line within "
                                        + budget.readTimeoutMs() + " ms of sending");
                            }
                        });
                    }
                });
            });
        }

        /** A reused connection that broke before any byte of an answer, the first time in this attempt. */
        private boolean closedWhileIdle(ConnectionPool.Lease used, Throwable cause) {
            return used != null && used.reused() && !retriedStaleConnection && phase == AttemptPhase.AWAITING_STATUS
                    && (cause instanceof HttpClosedException || cause instanceof java.io.IOException);
        }

        private void retryOnFreshConnection(ConnectionPool.Key key, ConnectionPool.Lease stale) {
            retriedStaleConnection = true;
            cancel(readTimer);
            readTimer = -1;
            if (httpRequest != null) {
                httpRequest.reset();
                httpRequest = null;
            }
            stale.release(false);
            lease = null;
            sentAfterMs = -1;
            phase = AttemptPhase.CONNECTING;
            lease(key);
        }

        private void onResponse(HttpClientResponse response) {
            if (finished) {
                return;
            }
            cancel(readTimer);
            phase = AttemptPhase.READING_BODY;
            status = response.statusCode();
            connectionClose = "close".equalsIgnoreCase(response.getHeader("connection"));
            armGapTimer();
            response.handler(chunk -> armGapTimer());
            response.exceptionHandler(error -> finish(FailureClass.PARTIAL,
                    "connection broke after the status line: " + describe(error)));
            response.endHandler(end -> {
                phase = AttemptPhase.COMPLETE;
                Optional<FailureClass> failure = FailureClassifier.classify(AttemptPhase.COMPLETE, status);
                complete(failure, "HTTP " + status);
            });
        }

        private void armGapTimer() {
            cancel(readTimer);
            readTimer = arm(Math.max(1, budget.readTimeoutMs()), () -> {
                readTimer = -1;
                finish(FailureClass.PARTIAL, "body stalled: no data for " + budget.readTimeoutMs() + " ms after HTTP "
                        + status);
            });
        }

        /**
         * A timer on this event loop that records how late it fired (within 50 ms:
         * docs/callbacks.md, "Delivery semantics").
         */
        private long arm(long delayMs, Runnable fired) {
            long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
            return vertx.setTimer(delayMs, id -> {
                timerLateness.record(Math.max(0, System.nanoTime() - due) / 1e9);
                fired.run();
            });
        }

        private void finish(FailureClass failure, String reason) {
            complete(Optional.of(failure), reason);
        }

        private void complete(Optional<FailureClass> failure, String reason) {
            if (finished) {
                return;
            }
            finished = true;
            cancel(connectTimer);
            cancel(readTimer);
            cancel(deadlineTimer);
            // Usually complete already: failing one builds an exception, so only those still waiting.
            if (addressPromise != null && !addressPromise.future().isComplete()) {
                addressPromise.tryFail("the attempt ended while it waited for a place at its address");
            }
            if (leasePromise != null && !leasePromise.future().isComplete()) {
                leasePromise.tryFail("the attempt ended before it had a connection");
            }
            boolean clean = phase == AttemptPhase.COMPLETE && !connectionClose;
            if (!clean && httpRequest != null) {
                // Never reuse a connection whose exchange did not finish cleanly.
                httpRequest.reset();
            }
            if (lease != null) {
                lease.release(clean);
            }
            if (addressPermit != null) {
                addressPermit.release();
            }
            result.complete(new AttemptResult(attempt, failure, Optional.ofNullable(status), reason, startedAt, elapsedMs(),
                    sentAfterMs));
        }

        private long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }

        private void cancel(long timer) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
