package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import dev.edgedispatcher.worker.sign.PlivoV3Signature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md, "Scaling a region": `dispatcher scale` starts workers configured exactly like the pool they join. Under
 * continuous traffic to a loopback receiver that takes 3 s to answer each delivery, `up`'s frankfurt
 * pool goes 1 -> 3 -> 1 members: every job answered 202 is delivered exactly once (each rebalance lets
 * the running deliveries of the partitions that move finish and commits them before handing them
 * over), and every delivery carries a signature made with the pool's auth token (the one `up`
 * generated and printed), whichever member sent it.
 */
class ScaleUnderTrafficTest {

    @Test
    void scalingARegionUpAndDownUnderTrafficLosesNothingAndSignsWithThePoolsToken(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "scale-test-logs"));
        Path data = dir.resolve("data");
        Path noGeoIp = Files.createDirectories(dir.resolve("no-geoip"));
        // No DISPATCHER_AUTH_TOKEN: `up` generates the token, which is what scaled workers used to miss.
        try (ChildProcess up = ChildProcess.dispatcher("up", logs.resolve("up.log"), 768, Map.of("DISPATCHER_AUTH_TOKEN", ""),
                "up", "--data-dir", data.toString(), "--port", "0", "--geoip-dir", noGeoIp.toString())) {
            String token = up.awaitLine("default account auth token", Duration.ofSeconds(60)).replaceAll(".*: ", "").trim();
            ApiClient api = ApiClient.of(up.awaitLine("http: ", Duration.ofSeconds(60)).substring("http: ".length()).trim());
            up.awaitLine("ready:", Duration.ofSeconds(60));
            try (SigningReceiver receiver = new SigningReceiver(token)) {
                Set<String> accepted = ConcurrentHashMap.newKeySet();
                List<String> unexpected = new ArrayList<>();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger next = new AtomicInteger();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    Thread thread = new Thread(() -> {
                        while (running.get()) {
                            String id = "scale-" + next.getAndIncrement();
                            try {
                                ApiResponse answer = api.post("/v1/jobs", "{\"id\": \"" + id + "\", \"url\": \""
                                        + receiver.url("/cb?leg=" + id) + "#er=frankfurt\", \"params\": {\"CallUUID\": \""
                                        + id + "\", \"From\": \"+14155550100\"}}");
                                if (answer.status() == 202) {
                                    accepted.add(id);
                                } else {
                                    synchronized (unexpected) {
                                        unexpected.add(id + ": " + answer.status() + " " + answer.text());
                                    }
                                }
                                Thread.sleep(50);
                            } catch (Exception e) {
                                synchronized (unexpected) {
                                    unexpected.add(id + ": " + e);
                                }
                                return;
                            }
                        }
                    }, "traffic-" + t);
                    thread.start();
                    threads.add(thread);
                }
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.valid.size() >= 50);
                    CommandRun toThree = CommandRun.dispatcher("scale", "--region", "frankfurt", "--workers", "3",
                            "--data-dir", data.toString());
                    assertThat(toThree.exitCode()).as(toThree.out() + toThree.err()).isZero();
                    assertThat(toThree.out()).contains("pool configuration: ").contains("edge-dispatcher-workers-frankfurt: 3 member(s)");
                    int atThree = receiver.valid.size();
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.valid.size() >= atThree + 200);

                    CommandRun toOne = CommandRun.dispatcher("scale", "--region", "frankfurt", "--workers", "1",
                            "--data-dir", data.toString());
                    assertThat(toOne.exitCode()).as(toOne.out() + toOne.err()).isZero();
                    assertThat(toOne.out()).contains("stopped worker pid").contains("edge-dispatcher-workers-frankfurt: 1 member(s)");
                    int atOne = receiver.valid.size();
                    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.valid.size() >= atOne + 100);

                    CommandRun refused = CommandRun.dispatcher("scale", "--region", "frankfurt", "--workers", "2",
                            "--data-dir", data.toString(), "--allow-destination", "10.0.0.0/8");
                    assertThat(refused.exitCode()).isEqualTo(2);
                    assertThat(refused.err()).contains("configured as").contains("127.0.0.0/8");
                } finally {
                    running.set(false);
                    for (Thread thread : threads) {
                        thread.join(30_000);
                    }
                }
                assertThat(unexpected).isEmpty();
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> receiver.valid.keySet().containsAll(accepted));
                } catch (ConditionTimeoutException e) {
                    List<String> missing = accepted.stream().filter(id -> !receiver.valid.containsKey(id)).sorted().toList();
                    StringBuilder states = new StringBuilder();
                    for (String id : missing.subList(0, Math.min(10, missing.size()))) {
                        states.append('\n').append(id).append(": ").append(api.get("/v1/jobs/" + id).text());
                    }
                    throw new AssertionError(missing.size() + " accepted job(s) not delivered within 60 s of the traffic's end;"
                            + " the first ones' status:" + states, e);
                }
                // Final once the receiver answered (3 s after each request) and the outcome reached the store.
                Set<String> notYetDelivered = ConcurrentHashMap.newKeySet();
                notYetDelivered.addAll(accepted);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    for (String id : List.copyOf(notYetDelivered)) {
                        JsonNode status = api.get("/v1/jobs/" + id).json();
                        if (status.path("state").asText().equals("delivered")) {
                            notYetDelivered.remove(id);
                        } else {
                            assertThat(status.path("state").asText()).as(id + ": " + status).isIn("queued", "in_flight");
                        }
                    }
                    assertThat(notYetDelivered).as("jobs not yet delivered").isEmpty();
                });
                System.out.printf("scale under traffic: %d jobs accepted, %d deliveries signed with the pool's token,"
                        + " %d not%n", accepted.size(), receiver.valid.values().stream().mapToInt(AtomicInteger::get).sum(),
                        receiver.invalid.size());
                assertThat(receiver.invalid).as("deliveries whose signature the pool's token does not verify").isEmpty();
                Map<String, Integer> twice = new java.util.TreeMap<>();
                receiver.valid.forEach((id, count) -> {
                    if (count.get() != 1) {
                        twice.put(id, count.get());
                    }
                });
                assertThat(twice).as("webhook-ids delivered more than once").isEmpty();
            }
        } finally {
            stopPool(data.resolve("workers").resolve("frankfurt"));
        }
    }

    /** Whatever `scale` left running if the test failed half-way: its processes are in their own session. */
    private static void stopPool(Path pool) throws Exception {
        if (!Files.isDirectory(pool)) {
            return;
        }
        try (var files = Files.list(pool)) {
            for (Path pidFile : files.filter(path -> path.toString().endsWith(".pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** A loopback receiver that checks each delivery's Plivo V3 signature against the pool's token. */
    private static final class SigningReceiver implements AutoCloseable {
        static final long SLOW_ANSWER_MS = 3000;
        final Map<String, AtomicInteger> valid = new ConcurrentHashMap<>();
        final List<String> invalid = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Vertx vertx = Vertx.vertx();
        private final HttpServer server;

        SigningReceiver(String token) throws Exception {
            server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                String id = request.getHeader("webhook-id");
                Map<String, String> params = new LinkedHashMap<>();
                for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0) {
                        params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                    }
                }
                String expected = PlivoV3Signature.sign(request.method().name(), url(request.uri()), params,
                        request.getHeader("x-plivo-signature-v3-nonce"), token);
                String sent = request.getHeader("x-plivo-signature-v3");
                if (sent != null && List.of(sent.split(",")).contains(expected)) {
                    valid.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
                } else {
                    invalid.add(id);
                }
                // A slow receiver: every rebalance happens with deliveries running.
                vertx.setTimer(SLOW_ANSWER_MS, timer -> request.response().end("ok"));
            })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        }

        String url(String pathAndQuery) {
            return "http://127.0.0.1:" + server.actualPort() + pathAndQuery;
        }

        @Override
        public void close() throws Exception {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
