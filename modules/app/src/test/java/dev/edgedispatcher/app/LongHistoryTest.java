package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int FIRST = 100;
    private static final int LATER = 130_000;
    private static final int BATCH = 1000;

    @TempDir
    Path dataDir;

    private static LocalStack up(Path dataDir) throws Exception {
        RegionResolver resolver = RegionResolver.builder().noGeoLocator("not needed").homeRegion(Region.N_VIRGINIA).build();
        return LocalStack.start(dataDir, 0, bootstrap -> SchedulerConfig.defaults(bootstrap, resolver).withPort(0),
                bootstrap -> Optional.of(WorkerConfig.defaults(bootstrap, EnumSet.allOf(Region.class),
                        Accounts.withDefault("history"), List.of(Cidr.parse("127.0.0.0/8")))));
    }

    private static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void postBatch(String base, List<String> jobs) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs:batch"))
                .POST(HttpRequest.BodyPublishers.ofString(jobs.stream().collect(Collectors.joining(",", "[", "]"))))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode entry : JSON.readTree(response.body()).get("results")) {
            assertThat(entry.has("error")).as(entry.toString()).isFalse();
        }
    }

    /** The ids a listing of {@code [since, until)} returns, every page followed. */
    private static List<String> listWindow(String base, Instant since, Instant until) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/v1/jobs?limit=1000&since=" + since + "&until=" + until
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> response = get(base, path);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            body.get("jobs").forEach(job -> ids.add(job.get("id").asText()));
            cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    private static void assertFirstJobsFound(String base, List<String> first, Instant since, Instant until) throws Exception {
        for (String id : first) {
            HttpResponse<String> status = get(base, "/v1/jobs/" + id);
            assertThat(status.statusCode()).as(id + ": " + status.body()).isEqualTo(200);
            assertThat(JSON.readTree(status.body()).get("state").asText()).as(id).isEqualTo("delivered");
        }
        assertThat(listWindow(base, since, until)).as("the first jobs' time window").containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    @Timeout(600)
    void theFirstJobsAreFoundAfter130000LaterJobsAndAfterARestart() throws Exception {
        List<String> first = IntStream.range(0, FIRST).mapToObj(i -> "first-" + i).toList();
        Instant since;
        Instant until;
        try (WebhookReceiver receiver = new WebhookReceiver(); LocalStack stack = up(dataDir)) {
            String base = "http://127.0.0.1:" + stack.httpPort();
            since = Instant.now().minusMillis(1);
            postBatch(base, first.stream().map(id -> "{\"id\": \"" + id + "\", \"url\": \"" + receiver.url("/first")
                    + "#er=frankfurt\"}").toList());
            until = Instant.now().plusMillis(1);
            Thread.sleep(50); // the later jobs are accepted after the window closes
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.seenIds().size() == FIRST);

            String later = "{\"url\": \"" + receiver.url("/later") + "\"}";
            List<String> batch = java.util.Collections.nCopies(BATCH, later);
            long started = System.nanoTime();
            for (int b = 0; b < LATER / BATCH; b++) {
                postBatch(base, batch);
            }
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> receiver.seenIds().size() == FIRST + LATER);
            // Every job final in the store: nothing queued or in flight is left to list.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    JSON.readTree(get(base, "/v1/jobs?state=queued&limit=1").body()).get("jobs").isEmpty()
                    && JSON.readTree(get(base, "/v1/jobs?state=in_flight&limit=1").body()).get("jobs").isEmpty());
            System.out.printf("long history: %d later jobs delivered and final in %d s%n", LATER,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            assertFirstJobsFound(base, first, since, until);
        }
        try (LocalStack again = up(dataDir)) {
            assertFirstJobsFound("http://127.0.0.1:" + again.httpPort(), first, since, until);
        }
    }
}
