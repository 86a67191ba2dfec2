package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.DeliveryHarness.job;
import static dev.edgedispatcher.worker.RecordingServer.delayThen;
import static dev.edgedispatcher.worker.RecordingServer.dribble;
import static dev.edgedispatcher.worker.RecordingServer.redirect;
import static dev.edgedispatcher.worker.RecordingServer.resetMidBody;
import static dev.edgedispatcher.worker.RecordingServer.stallBody;
import static dev.edgedispatcher.worker.RecordingServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import dev.edgedispatcher.worker.sign.Accounts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery semantics (docs/callbacks.md) against a real HTTP server with real faults. Timing
 * assertions: a timeout may fire at most 50 ms late (as documented there), and not early.
 */
class DeliverySemanticsTest {

    private static final long LATE_MS = 50;

    private DeliveryHarness harness;
    private RecordingServer server;

    @BeforeEach
    void start() throws Exception {
        harness = new DeliveryHarness();
        server = new RecordingServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        harness.close();
    }

    private List<ResultEvent.Attempt> attempts(String id) {
        return harness.attemptsOf(id);
    }

    @Test
    void aKeptAliveConnectionTheServerDropsIsReplacedWithoutFailingTheAttempt() throws Exception {
        server.on("/keep", status(200), RecordingServer.closeSilently(), status(200));
        assertThat(harness.deliver(job("j-first", server.url("/keep#rc=0"))).delivered()).isTrue();
        // The second job gets the first one's pooled connection; the server drops it on reading.
        DeliveryOutcome outcome = harness.deliver(job("j-second", server.url("/keep#rc=0")));
        assertThat(outcome.delivered()).as(outcome.reason()).isTrue();
        assertThat(attempts("j-second")).singleElement().satisfies(event -> assertThat(event.outcome()).isEqualTo("ok"));
        assertThat(server.received("/keep")).extracting(request -> request.header("webhook-id") + "#"
                + request.header("x-edge-attempt")).containsExactly("j-first#1", "j-second#1", "j-second#1");
    }

    @Test
    void a2xxIsDeliveredOnceWithTheHeadersAndFormParams() throws Exception {
        server.on("/answer", status(200));
        DeliveryOutcome outcome = harness.deliver(job("j-ok", server.url("/answer?q=1%202&x#ct=500")));
        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.deliveredBy()).hasValue("primary");
        List<RecordingServer.Received> received = server.received("/answer");
        assertThat(received).hasSize(1);
        RecordingServer.Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.target()).isEqualTo("/answer?q=1%202&x");
        assertThat(request.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.bodyText()).isEqualTo("CallUUID=c-1&From=%2B14155550100");
        assertThat(request.header("user-agent")).startsWith("edge-dispatcher/");
        assertThat(request.header("webhook-id")).isEqualTo("j-ok");
        assertThat(request.header("x-edge-attempt")).isEqualTo("1");
        assertThat(request.header("x-edge-region")).isEqualTo("frankfurt");
        assertThat(request.header("x-plivo-signature-v3")).isNotBlank();
        assertThat(request.header("x-plivo-signature-v3-nonce")).hasSize(20);
        assertThat(attempts("j-ok")).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo("ok");
            assertThat(event.status()).isEqualTo(200);
            assertThat(event.attempt()).isEqualTo(1);
        });
    }

    @Test
    void a5xxInRpIsRetriedWithTheSameDeliveryId() throws Exception {
        server.on("/flaky", status(503), status(200));
        DeliveryOutcome outcome = harness.deliver(job("j-retry", server.url("/flaky#rc=1&rp=5xx")));
        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.classesSeen()).containsExactly("5xx");
        List<RecordingServer.Received> received = server.received("/flaky");
        assertThat(received).extracting(r -> r.header("x-edge-attempt")).containsExactly("1", "2");
        assertThat(received).extracting(r -> r.header("webhook-id")).containsOnly("j-retry");
        assertThat(attempts("j-retry")).extracting(ResultEvent.Attempt::outcome).containsExactly("5xx", "ok");
    }

    @Test
    void aFailureNotInRpIsNotRetried() throws Exception {
        server.on("/down", status(500));
        DeliveryOutcome outcome = harness.deliver(job("j-norp", server.url("/down#rc=3")));
        assertThat(outcome.delivered()).isFalse();
        assertThat(server.received("/down")).hasSize(1);
        assertThat(outcome.reason()).contains("not_in_retry_policy");
    }

    @Test
    void retriesStopAfterRc() throws Exception {
        server.on("/missing", status(404));
        DeliveryOutcome outcome = harness.deliver(job("j-rc", server.url("/missing#rc=2&rp=4xx")));
        assertThat(outcome.delivered()).isFalse();
        assertThat(server.received("/missing")).hasSize(3);
        assertThat(outcome.classesSeen()).containsExactly("4xx", "4xx", "4xx");
        assertThat(outcome.reason()).contains("retries_exhausted");
    }

    @Test
    void redirectsAreNotFollowedNorRetried() throws Exception {
        server.on("/moved", redirect());
        DeliveryOutcome outcome = harness.deliver(job("j-3xx", server.url("/moved#rc=3&rp=all")));
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.classesSeen()).containsExactly("3xx");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aRefusedPortIsCtAndRetriedWhenCtIsInRp() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        DeliveryOutcome outcome = harness.deliver(job("j-refused", "http://127.0.0.1:" + port + "/x#rc=2"));
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.classesSeen()).containsExactly("ct", "ct", "ct");
        assertThat(attempts("j-refused")).allSatisfy(event -> assertThat(event.status()).isNull());
    }

    @Test
    void aConnectTimeoutFiresOnTime() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Socket filler = new Socket();
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 1000);
                fillers.add(filler);
            }
            DeliveryOutcome outcome = harness.deliver(job("j-ct", "http://127.0.0.1:" + full.getLocalPort() + "/x#ct=300&rc=0"));
            assertThat(outcome.classesSeen()).containsExactly("ct");
            ResultEvent.Attempt attempt = attempts("j-ct").get(0);
            assertThat(attempt.reason()).contains("connect timeout");
            assertThat(attempt.durationMs()).isBetween(300L, 300L + LATE_MS);
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void aSlowFirstByteIsRtOnTime() throws Exception {
        server.on("/slow", delayThen(2000, status(200)));
        DeliveryOutcome outcome = harness.deliver(job("j-rt", server.url("/slow#rt=300&rc=0")));
        assertThat(outcome.classesSeen()).containsExactly("rt");
        ResultEvent.Attempt attempt = attempts("j-rt").get(0);
        assertThat(attempt.reason()).contains("read timeout");
        assertThat(attempt.durationMs()).isBetween(300L, 300L + LATE_MS);
    }

    @Test
    void aBodyThatStallsIsPartialAndNeverRetried() throws Exception {
        server.on("/stall", stallBody(200, 3000));
        DeliveryOutcome outcome = harness.deliver(job("j-partial", server.url("/stall#rt=300&rc=3&rp=all")));
        assertThat(outcome.classesSeen()).containsExactly("partial");
        assertThat(server.received("/stall")).hasSize(1);
        ResultEvent.Attempt attempt = attempts("j-partial").get(0);
        assertThat(attempt.status()).isEqualTo(200);
        assertThat(attempt.durationMs()).isBetween(300L, 300L + 20 + LATE_MS);
        assertThat(outcome.reason()).contains("partial_never_retried");
    }

    @Test
    void aResetMidBodyIsPartial() throws Exception {
        server.on("/reset", resetMidBody(200));
        DeliveryOutcome outcome = harness.deliver(job("j-reset", server.url("/reset#rc=2&rp=all")));
        assertThat(outcome.classesSeen()).containsExactly("partial");
        assertThat(server.received("/reset")).hasSize(1);
    }

    @Test
    void withoutTtAnAttemptStillEndsAtCtPlusRtAndItsConnectionIsClosed() throws Exception {
        // Audio kinds have no tt: a body trickling a byte every 200 ms (below rt) would hold the attempt for
        // 20 s. With ct 500 and rt 400 (audio's own are 2 s and 120 s) it ends at 900 ms, as rt.
        server.on("/trickle", dribble(100, 200));
        try (var attempt = new dev.edgedispatcher.worker.delivery.HttpAttempt(harness.vertx, harness.client,
                new dev.edgedispatcher.worker.delivery.DestinationGuard(List.of(dev.edgedispatcher.worker.delivery.Cidr.parse(
                        "127.0.0.0/8"))), new dev.edgedispatcher.worker.delivery.ConnectionPools(harness.vertx,
                        dev.edgedispatcher.worker.delivery.ConnectionLimits.DEFAULTS, 1), 256,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            endsAtItsDeadline(attempt);
        }
    }

    private void endsAtItsDeadline(dev.edgedispatcher.worker.delivery.HttpAttempt attempt) throws Exception {
        String url = server.url("/trickle");
        int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1"));
        var request = new dev.edgedispatcher.worker.delivery.OutgoingRequest("POST",
                new dev.edgedispatcher.callback.HttpUrl(url, "http", "127.0.0.1", port),
                "a=1".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Optional.of("application/x-www-form-urlencoded"),
                Map.of());
        var result = new java.util.concurrent.CompletableFuture<dev.edgedispatcher.worker.delivery.AttemptResult>();
        harness.vertx.getOrCreateContext().runOnContext(go -> attempt.execute(request, Map.of(), 1,
                new dev.edgedispatcher.callback.AttemptBudget(500, 400, java.util.OptionalLong.empty()))
                .onComplete(done -> result.complete(done.result())));
        var ended = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ended.outcome()).isEqualTo("rt");
        assertThat(ended.reason()).contains("attempt deadline (ct + rt = 900 ms");
        assertThat(ended.durationMs()).isBetween(900L, 900L + LATE_MS);
        // The receiver sees its connection closed: its next byte cannot be written for long.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> server.openConnections() == 0);
    }

    @Test
    void rtBoundsEachGapNotTheWholeBody() throws Exception {
        server.on("/dribble", dribble(5, 150));
        DeliveryOutcome outcome = harness.deliver(job("j-dribble", server.url("/dribble#rt=300&rc=0")));
        assertThat(outcome.delivered()).isTrue();
        assertThat(attempts("j-dribble").get(0).durationMs()).isGreaterThan(600L);
    }

    @Test
    void ttCutsTheLastRetry() throws Exception {
        server.on("/hang", delayThen(5000, status(200)));
        long started = System.nanoTime();
        DeliveryOutcome outcome = harness.deliver(job("j-tt", server.url("/hang#rt=400&tt=1000&rc=5&rp=rt")));
        long totalMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(outcome.classesSeen()).containsExactly("rt", "rt", "rt");
        List<ResultEvent.Attempt> attempts = attempts("j-tt");
        assertThat(attempts).hasSize(3);
        assertThat(attempts.get(0).durationMs()).isBetween(400L, 400L + LATE_MS);
        assertThat(attempts.get(1).durationMs()).isBetween(400L, 400L + LATE_MS);
        // The third attempt gets only what is left of tt (about 200 ms), not rt.
        assertThat(attempts.get(2).durationMs()).isBetween(100L, 200L + LATE_MS);
        assertThat(totalMs).isBetween(1000L, 1000L + 2 * LATE_MS);
        assertThat(outcome.reason()).contains("total_timeout_expired");
    }

    @Test
    void theFallbackGetsTheParamsAndTheErrorOfThePrimary() throws Exception {
        server.on("/primary", status(500)).on("/fallback", status(200));
        DeliveryOutcome outcome = harness.deliver(job("j-fb", server.url("/primary?a=1#rc=0"),
                server.url("/fallback#ct=500"), "POST", Map.of("CallUUID", "c-9")));
        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.deliveredBy()).hasValue("fallback");
        RecordingServer.Received fallback = server.received("/fallback").get(0);
        assertThat(fallback.bodyText()).isEqualTo("CallUUID=c-9&ErrorCode=5xx&ErrorUrl="
                + java.net.URLEncoder.encode(server.url("/primary?a=1"), java.nio.charset.StandardCharsets.UTF_8)
                + "&ErrorStatus=500");
        assertThat(fallback.header("webhook-id")).isEqualTo("j-fb");
        assertThat(fallback.header("x-edge-target")).isEqualTo("fallback");
        assertThat(attempts("j-fb")).extracting(ResultEvent.Attempt::target).containsExactly("primary", "fallback");
    }

    @Test
    void aFailedFallbackFailsTheJob() throws Exception {
        server.on("/p", status(500)).on("/f", status(404));
        DeliveryOutcome outcome = harness.deliver(job("j-fb2", server.url("/p#rc=0"), server.url("/f#rc=0"), "POST", Map.of()));
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.classesSeen()).containsExactly("5xx", "4xx");
    }

    @Test
    void getPutsParamsInTheQueryAfterTheOriginalOne() throws Exception {
        server.on("/get", status(200));
        harness.deliver(job("j-get", server.url("/get?keep=%7Eraw#rc=0"), null, "GET", Map.of("Digits", "1 2")));
        RecordingServer.Received request = server.received("/get").get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.target()).isEqualTo("/get?keep=%7Eraw&Digits=1+2");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void aRawBodyGoesWithItsContentType() throws Exception {
        server.on("/raw", status(204));
        JobRecord job = JobRecord.builder("j-raw", server.url("/raw"), "frankfurt").kind("callback_url")
                .body("{\"a\":1}", "application/json").submittedAt(java.time.Instant.EPOCH).build();
        assertThat(harness.deliver(job).delivered()).isTrue();
        RecordingServer.Received request = server.received("/raw").get(0);
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.bodyText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void audioKindsUseTheirFixedPolicyWhateverTheFragment() throws Exception {
        server.on("/beep", status(503), status(200));
        JobRecord job = JobRecord.builder("j-audio", server.url("/beep#rc=0&rp=ct"), "frankfurt").kind("play").method("GET")
                .submittedAt(java.time.Instant.EPOCH).build();
        assertThat(harness.deliver(job).delivered()).isTrue();
        assertThat(server.received("/beep")).hasSize(2);
    }

    @Test
    void privateDestinationsAreRefusedUnlessAllowed() throws Exception {
        server.on("/internal", status(200));
        try (DeliveryHarness guarded = new DeliveryHarness(List.of(), Accounts.withDefault("t"))) {
            DeliveryOutcome outcome = guarded.deliver(job("j-guard", server.url("/internal#rc=2&rp=all")));
            assertThat(outcome.delivered()).isFalse();
            assertThat(outcome.classesSeen()).containsExactly("ct", "ct", "ct");
            assertThat(guarded.attemptsOf("j-guard").get(0).reason()).startsWith("blocked_address");
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void anUnknownAccountFailsWithoutSending() throws Exception {
        JobRecord job = JobRecord.builder("j-acct", server.url("/a"), "frankfurt").account("nobody")
                .submittedAt(java.time.Instant.EPOCH).build();
        DeliveryOutcome outcome = harness.deliver(job);
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.reason()).contains("unknown account 'nobody'");
        assertThat(server.received()).isEmpty();
    }
}
