package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.DeliveryEngine;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import dev.edgedispatcher.worker.delivery.DestinationBulkheads;
import dev.edgedispatcher.worker.delivery.DestinationGuard;
import dev.edgedispatcher.worker.delivery.HttpAttempt;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import dev.edgedispatcher.worker.delivery.ConnectionLimits;
import dev.edgedispatcher.worker.delivery.ConnectionPools;
import io.vertx.core.http.HttpClientOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The delivery engine on a real Vert.x and HTTP client, without Kafka: for exact semantics tests. */
final class DeliveryHarness implements AutoCloseable {

    static final String AUTH_TOKEN = "MAXXXXXXXXXXXXXXXXXX-test-token";

    final Vertx vertx = Vertx.vertx();
    final HttpClientAgent client;
    final List<ResultEvent.Attempt> attemptEvents = new CopyOnWriteArrayList<>();
    final DeliveryEngine engine;
    private final HttpAttempt attempt;

    DeliveryHarness(List<Cidr> allowed, Accounts accounts) {
        this(allowed, accounts, null);
    }

    /** With {@code trust}, the client trusts only it (a test CA) instead of the JVM's trust store. */
    DeliveryHarness(List<Cidr> allowed, Accounts accounts, io.vertx.core.net.TrustOptions trust) {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setMaxRedirects(0).setVerifyHost(true);
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        client = vertx.createHttpClient(options);
        attempt = new HttpAttempt(vertx, client, new DestinationGuard(allowed),
                new ConnectionPools(vertx, ConnectionLimits.DEFAULTS, 1), 256, new SimpleMeterRegistry());
        engine = new DeliveryEngine(vertx, attempt,
                new DestinationBulkheads(vertx, 256), accounts, "frankfurt", attemptEvents::add, new SimpleMeterRegistry(), 0);
        warmUp();
    }

    /**
     * One delivery to a throwaway server first, so that class loading and the JIT do not land inside
     * the first timed attempt: the timing assertions are about timers, not about a cold JVM.
     */
    private void warmUp() {
        try (RecordingServer server = new RecordingServer()) {
            for (int i = 0; i < 3; i++) {
                deliver(job("warm-up-" + i, server.url("/warm-up")));
            }
            attemptEvents.clear();
        } catch (Exception e) {
            throw new IllegalStateException("warm-up delivery failed", e);
        }
    }

    DeliveryHarness() {
        this(List.of(Cidr.parse("127.0.0.0/8")), Accounts.withDefault(AUTH_TOKEN));
    }

    DeliveryOutcome deliver(JobRecord job) throws Exception {
        CompletableFuture<DeliveryOutcome> outcome = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(start -> engine.deliver(job).onComplete(done -> {
            if (done.succeeded()) {
                outcome.complete(done.result());
            } else {
                outcome.completeExceptionally(done.cause());
            }
        }));
        return outcome.get(120, TimeUnit.SECONDS);
    }

    static JobRecord job(String id, String url) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("CallUUID", "c-1");
        params.put("From", "+14155550100");
        return job(id, url, null, "POST", params);
    }

    static JobRecord job(String id, String url, String fallbackUrl, String method, Map<String, String> params) {
        return JobRecord.builder(id, url, "frankfurt").method(method).params(params).fallbackUrl(fallbackUrl).build();
    }

    List<ResultEvent.Attempt> attemptsOf(String id) {
        return attemptEvents.stream().filter(event -> event.id().equals(id)).toList();
    }

    @Override
    public void close() throws Exception {
        client.close().await(5, TimeUnit.SECONDS);
        attempt.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }
}
