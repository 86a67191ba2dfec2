package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * History is kept by time, not by count: the first jobs of `up` are still found by id and by a
 * listing of their time window after 130,000 later jobs were delivered (more than the 100,000
 * final jobs the in-memory index kept before the job store), and again after `up` restarts on
 * the same data directory.
 */
class LongHistoryTest {

    private static final int FIRST = 100;
    private static final int LATER = 130_000;
    private static final int BATCH = 1000;

    @TempDir
    Path dataDir;

    /** The API of {@code stack}, reads within 30 s. */
    private static ApiClient api(LocalStack stack) {
        return TestStacks.api(stack).withTimeout(Duration.ofSeconds(30));
    }

    private static void postBatch(ApiClient api, List<String> jobs) throws IOException, InterruptedException {
        ApiResponse response = api.withTimeout(Duration.ofSeconds(60)).post("/v1/jobs:batch",
                jobs.stream().collect(Collectors.joining(",", "[", "]")));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        for (JsonNode entry : response.json().get("results")) {
            assertThat(entry.has("error")).as(entry.toString()).isFalse();
        }
    }

    /** The ids a listing of {@code [since, until)} returns, every page followed. */
    private static List<String> listWindow(ApiClient api, Instant since, Instant until) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/v1/jobs?limit=1000&since=" + since + "&until=" + until
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            ApiResponse response = api.get(path);
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            JsonNode body = response.json();
            body.get("jobs").forEach(job -> ids.add(job.get("id").asText()));
            cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    private static void assertFirstJobsFound(ApiClient api, List<String> first, Instant since, Instant until) throws Exception {
        for (String id : first) {
            ApiResponse status = api.get("/v1/jobs/" + id);
            assertThat(status.status()).as(id + ": " + status.text()).isEqualTo(200);
            assertThat(status.json().get("state").asText()).as(id).isEqualTo("delivered");
        }
        assertThat(listWindow(api, since, until)).as("the first jobs' time window").containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    @Timeout(600)
    void theFirstJobsAreFoundAfter130000LaterJobsAndAfterARestart() throws Exception {
        List<String> first = IntStream.range(0, FIRST).mapToObj(i -> "first-" + i).toList();
        Instant since;
        Instant until;
        try (WebhookReceiver receiver = new WebhookReceiver(); LocalStack stack = TestStacks.withWorkers(dataDir, "history")) {
            ApiClient api = api(stack);
            since = Instant.now().minusMillis(1);
            postBatch(api, first.stream().map(id -> "{\"id\": \"" + id + "\", \"url\": \"" + receiver.url("/first")
                    + "#er=frankfurt\"}").toList());
            until = Instant.now().plusMillis(1);
            Thread.sleep(50); // the later jobs are accepted after the window closes
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.seenIds().size() == FIRST);

            String later = "{\"url\": \"" + receiver.url("/later") + "\"}";
            List<String> batch = java.util.Collections.nCopies(BATCH, later);
            long started = System.nanoTime();
            for (int b = 0; b < LATER / BATCH; b++) {
                postBatch(api, batch);
            }
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> receiver.seenIds().size() == FIRST + LATER);
            // Every job final in the store: nothing queued or in flight is left to list.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    api.get("/v1/jobs?state=queued&limit=1").json().get("jobs").isEmpty()
                    && api.get("/v1/jobs?state=in_flight&limit=1").json().get("jobs").isEmpty());
            System.out.printf("long history: %d later jobs delivered and final in %d s%n", LATER,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            assertFirstJobsFound(api, first, since, until);
        }
        try (LocalStack again = TestStacks.withWorkers(dataDir, "history")) {
            assertFirstJobsFound(api(again), first, since, until);
        }
    }
}
