package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer's server is down, its jobs fail; it comes back, and the operator finds the failures
 * ({@code GET /v1/jobs?state=failed}) and sends them again ({@code dispatcher redrive}, and one by
 * {@code POST /v1/jobs/{id}:retry}), on the whole system: scheduler, real region workers, a real receiver.
 */
class RedriveCommandTest {

    @TempDir
    static Path dataDir;
    private static LocalStack stack;
    private static HttpServer receiver;
    private static volatile boolean down = true;
    /** Each request the receiver answered: its webhook-id and the status it got. */
    private static final List<String> received = new CopyOnWriteArrayList<>();
    private static ApiClient api;
    private static String server;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = down ? 503 : 200;
            received.add(exchange.getRequestHeaders().getFirst("webhook-id") + " " + status);
            exchange.sendResponseHeaders(status, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        receiver.start();
        stack = TestStacks.withWorkers(dataDir, "redrive");
        api = TestStacks.api(stack);
        server = api.base();
    }

    @AfterAll
    static void stop() {
        stack.close();
        receiver.stop(0);
    }

    private static JsonNode http(String method, String path, String body, int expectedStatus) throws Exception {
        ApiResponse response = api.send(method, path, body);
        assertThat(response.status()).as(response.text()).isEqualTo(expectedStatus);
        return response.json();
    }

    private static String state(String id) throws Exception {
        return http("GET", "/v1/jobs/" + id, null, 200).get("state").asText();
    }

    @Test
    void failedJobsAreFoundAndSentAgainUnderTheirOriginalWebhookIds() throws Exception {
        String since = Instant.now().minusSeconds(1).toString();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        List<String> ids = new ArrayList<>();
        for (Region region : List.of(Region.FRANKFURT, Region.MUMBAI, Region.SINGAPORE)) {
            ids.add(http("POST", "/v1/jobs", "{\"url\": \"" + hook + "#rc=0&er=" + region.wireName() + "\"}", 202)
                    .get("id").asText());
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("failed"));
        }

        JsonNode failed = http("GET", "/v1/jobs?state=failed&host=127.0.0.1&since=" + since, null, 200);
        assertThat(failed.get("jobs")).extracting(job -> job.get("id").asText()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(failed.get("jobs")).allSatisfy(job -> assertThat(job.get("last_outcome").asText()).isEqualTo("5xx"));

        down = false;
        CommandRun dry = CommandRun.dispatcher("redrive", "--host", "127.0.0.1", "--since", since, "--dry-run",
                "--scheduler", server);
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.json().get("matched").asInt()).isEqualTo(3);
        assertThat(dry.json().get("accepted").asInt()).isZero();

        CommandRun run = CommandRun.dispatcher("redrive", "--state", "failed", "--host", "127.0.0.1", "--since", since,
                "--scheduler", server);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("redrive: 3 jobs match").contains("[" + "#".repeat(30) + "] 3/3 jobs 100%")
                .contains("redrive: matched 3, sent again 3, not redrivable 0, not accepted by Kafka 0");
        assertThat(run.json().get("accepted").asInt()).isEqualTo(3);

        // Each failed job is delivered once more, under its own original webhook-id.
        await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().filter(r -> r.endsWith(" 200")).count() == 3);
        assertThat(received.stream().filter(r -> r.endsWith(" 200")).map(r -> r.split(" ")[0]))
                .containsExactlyInAnyOrderElementsOf(ids);
        // Their outcomes reach the store through its sink a moment after the receiver saw them.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode retries = http("GET", "/v1/jobs?state=delivered&host=127.0.0.1&since=" + since, null, 200);
            assertThat(retries.get("jobs")).extracting(job -> job.get("retry_of").asText())
                    .containsExactlyInAnyOrderElementsOf(ids);
        });

        // One more by id: the retry keeps the first job's webhook-id too.
        JsonNode retry = http("POST", "/v1/jobs/" + ids.get(0) + ":retry", null, 202);
        assertThat(retry.get("retry_of").asText()).isEqualTo(ids.get(0));
        String again = retry.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(again).equals("delivered"));
        assertThat(received).filteredOn(r -> r.equals(ids.get(0) + " 200")).hasSize(2);

        CommandRun refused = CommandRun.dispatcher("redrive", "--state", "queued", "--scheduler", server);
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("\"field\":\"state\"");
    }
}
