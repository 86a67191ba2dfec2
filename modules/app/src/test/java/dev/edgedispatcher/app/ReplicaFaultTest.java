package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduler replicas on one store: `up` (replica A, with the broker, the store and the workers)
 * and `dispatcher scheduler --job-store-config <up's file>` (replica B, its own JVM). B is killed
 * with SIGKILL mid-traffic; the client sends what got no answer again, same ids, to A. Every id is
 * delivered exactly once.
 */
class ReplicaFaultTest {

    @TempDir
    Path dataDir;

    /** A batch to {@code replica}, within 60 s: an IOException when the kill cut it. */
    private static JsonNode postBatch(ApiClient replica, String body) throws IOException, InterruptedException {
        ApiResponse response = replica.withTimeout(Duration.ofSeconds(60)).post("/v1/jobs:batch", body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("results");
    }

    private static String job(String id, WebhookReceiver receiver) {
        return "{\"id\": \"" + id + "\", \"url\": \"" + receiver.url("/r/" + id) + "#er=frankfurt\"}";
    }

    @Test
    @Timeout(300)
    void aReplicaKilledMidTrafficWhileItsClientRetriesOnTheOtherDeliversEveryIdExactlyOnce() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "process-fault-logs", "replica-kill"));
        try (WebhookReceiver receiver = new WebhookReceiver(); LocalStack stack = TestStacks.withWorkers(dataDir, "replicas")) {
            ApiClient a = TestStacks.api(stack);
            int portB = ChildProcess.freePort();
            ApiClient b = ApiClient.local(portB);
            Path noGeoIp = Files.createDirectories(dataDir.resolve("no-geoip"));
            ChildProcess replicaB = ChildProcess.dispatcher("replica-b", logs.resolve("replica-b.log"), 384, "scheduler",
                    "--bootstrap", stack.bootstrapServers(), "--port", String.valueOf(portB), "--geoip-dir", noGeoIp.toString(),
                    "--job-store-config", dataDir.resolve(LocalStack.JOB_STORE_FILE).toString());
            try {
                replicaB.awaitLine("http: " + b.base(), Duration.ofSeconds(90));
                Set<String> accepted = ConcurrentHashMap.newKeySet();
                List<List<String>> cut = new CopyOnWriteArrayList<>();
                AtomicInteger batchesDone = new AtomicInteger();
                AtomicInteger inFlight = new AtomicInteger();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger nextBatch = new AtomicInteger();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    Thread thread = new Thread(() -> {
                        while (running.get()) {
                            int batch = nextBatch.getAndIncrement();
                            List<String> ids = new ArrayList<>();
                            for (int i = 0; i < 200; i++) {
                                ids.add("rk-" + batch + "-" + i);
                            }
                            inFlight.incrementAndGet();
                            try {
                                for (JsonNode entry : postBatch(b, ids.stream().map(id -> job(id, receiver))
                                        .collect(Collectors.joining(",", "[", "]")))) {
                                    assertThat(entry.has("error")).as(entry.toString()).isFalse();
                                    accepted.add(entry.get("id").asText());
                                }
                                batchesDone.incrementAndGet();
                            } catch (IOException e) {
                                cut.add(ids); // the kill: published, claimed or neither
                                return;
                            } catch (InterruptedException e) {
                                return;
                            } finally {
                                inFlight.decrementAndGet();
                            }
                        }
                    }, "replica-traffic-" + t);
                    thread.start();
                    threads.add(thread);
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> batchesDone.get() >= 3 && inFlight.get() > 0);
                replicaB.kill9();
                running.set(false);
                for (Thread thread : threads) {
                    thread.join(60_000);
                }
                assertThat(cut).as("a batch was in flight at the kill").isNotEmpty();
                // The client sends what got no answer to the other replica, same ids, until each is
                // accepted: a repeat (B published it), new (B never claimed it), or in doubt until
                // B's claim is provably lost (then A publishes it).
                int repeats = 0;
                int inDoubt = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                for (List<String> ids : cut) {
                    List<String> left = new ArrayList<>(ids);
                    while (!left.isEmpty()) {
                        assertThat(System.nanoTime()).as("ids still in doubt: " + left).isLessThan(deadline);
                        List<String> again = new ArrayList<>();
                        JsonNode results = postBatch(a, left.stream().map(id -> job(id, receiver))
                                .collect(Collectors.joining(",", "[", "]")));
                        for (JsonNode entry : results) {
                            if (entry.has("error")) {
                                assertThat(entry.get("error").asText()).as(entry.toString()).isEqualTo("in_doubt");
                                again.add(left.get(entry.get("index").asInt()));
                                inDoubt++;
                            } else {
                                accepted.add(entry.get("id").asText());
                                repeats += entry.path("duplicate").asBoolean() ? 1 : 0;
                            }
                        }
                        left = again;
                        if (!left.isEmpty()) {
                            Thread.sleep(2000);
                        }
                    }
                }
                System.out.printf("replica kill: %d ids accepted (%d whole batches on B, %d cut by the kill: %d were repeats"
                        + " on A, %d answers in doubt first)%n", accepted.size(), batchesDone.get(), cut.size(), repeats, inDoubt);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> receiver.seenIds().containsAll(accepted));
                Thread.sleep(2000); // a late second delivery would show up here
                Map<String, Integer> times = receiver.counts();
                List<String> twice = accepted.stream().filter(id -> times.getOrDefault(id, 0) != 1).toList();
                assertThat(twice).as("ids not delivered exactly once").isEmpty();
            } finally {
                replicaB.close();
            }
        }
    }
}
