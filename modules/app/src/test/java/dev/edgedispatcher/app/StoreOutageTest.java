package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job store frozen for 20 s mid-traffic (every PostgreSQL process of `up` stopped with SIGSTOP,
 * as a hung server or a network partition looks): jobs keep flowing, reads and ids say 503, health
 * stays ready, and once the store returns every status is final within 60 s.
 */
class StoreOutageTest {

    @TempDir
    Path dataDir;

    /** Every process of the PostgreSQL server whose data directory is {@code data}: the postmaster and its children. */
    private static List<Long> postgresProcesses(Path data) throws Exception {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster);
        ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(String.valueOf(pid)));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }

    @Test
    @Timeout(240)
    void jobsKeepFlowingWhileTheStoreIsFrozenAndEveryStatusIsFinalSoonAfterItReturns() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(); LocalStack stack = TestStacks.withWorkers(dataDir, "outage")) {
            ApiClient api = TestStacks.api(stack);
            String job = "{\"url\": \"" + receiver.url("/hook") + "#er=frankfurt\"}";
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 50; i++) {
                ApiResponse before = api.post("/v1/jobs", job);
                assertThat(before.status()).isEqualTo(202);
                accepted.add(before.body().get("id").asText());
            }
            List<Long> postgres = postgresProcesses(dataDir.resolve("postgres"));
            signal("STOP", postgres);
            long frozenAt = System.nanoTime();
            int duringFreeze = 0;
            try {
                while (System.nanoTime() - frozenAt < Duration.ofSeconds(20).toNanos()) {
                    // Without an id: accepted and delivered, the store is not asked.
                    ApiResponse submitted = api.post("/v1/jobs", job);
                    assertThat(submitted.status()).as(String.valueOf(submitted.body())).isEqualTo(202);
                    accepted.add(submitted.body().get("id").asText());
                    duringFreeze++;
                    Thread.sleep(50);
                }
                // With an id: it cannot be checked, so it is refused with a reason and a time to come back.
                long asked = System.nanoTime();
                ApiResponse withId = api.post("/v1/jobs", "{\"id\": \"frozen-1\", \"url\": \"" + receiver.url("/hook") + "\"}");
                assertThat(withId.status()).as(String.valueOf(withId.body())).isEqualTo(503);
                assertThat(withId.body().get("error").asText()).isEqualTo("store_unavailable");
                assertThat(withId.body().get("detail").asText()).startsWith("the job store cannot check this id now;")
                        .doesNotContain("unavailable:");
                assertThat(withId.raw().headers().firstValue("retry-after")).isPresent();
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
                // Reads, and retry and redrive (they read first): 503, never 404 and never 500.
                String known = accepted.iterator().next();
                for (String[] call : new String[][] {{"/v1/jobs/" + known, null}, {"/v1/jobs?state=delivered", null},
                        {"/v1/jobs/" + known + ":retry", ""}, {"/v1/jobs:redrive", "{\"state\": \"failed\"}"}}) {
                    ApiResponse read = api.send(call[1] == null ? "GET" : "POST", call[0], call[1]);
                    assertThat(read.status()).as(call[0] + ": " + read.body()).isEqualTo(503);
                    assertThat(read.body().get("error").asText()).isEqualTo("store_unavailable");
                    // The kind of failure, never the exception's text (it names queries and addresses).
                    assertThat(read.body().get("detail").asText()).as(call[0])
                            .isEqualTo("the job store cannot be read now (StoreUnavailableException)");
                    assertThat(read.raw().headers().firstValue("retry-after")).as(call[0]).isPresent();
                }
                // Ready stays up (a store outage must not empty the load balancer); /health says degraded.
                assertThat(api.get("/health/ready").status()).isEqualTo(200);
                ApiResponse health = api.get("/health");
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.body().at("/components/job-store/status").asText()).isEqualTo("degraded");
            } finally {
                signal("CONT", postgres);
            }
            long back = System.nanoTime();
            System.out.printf("store outage: %d jobs accepted during the 20 s freeze, %d in all%n", duringFreeze, accepted.size());
            // Every job delivered, each once (the workers never needed the store) ...
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.seenIds().containsAll(accepted));
            // ... and every status final through the API within 60 s of the store's return.
            Set<String> pending = ConcurrentHashMap.newKeySet();
            pending.addAll(accepted);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (String id : List.copyOf(pending)) {
                    ApiResponse status = api.get("/v1/jobs/" + id);
                    if (status.status() == 200 && status.body().get("state").asText().equals("delivered")) {
                        pending.remove(id);
                    }
                }
                assertThat(pending).as("jobs not yet final through the API").isEmpty();
            });
            System.out.printf("store outage: every status final %d ms after the store returned%n",
                    Duration.ofNanos(System.nanoTime() - back).toMillis());
            assertThat(receiver.seenIds()).containsAll(accepted);
        }
    }
}
