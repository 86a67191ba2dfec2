package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import dev.edgedispatcher.scheduler.TestJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md, "Front door limits": `up` with a pod's heap (1,536 MiB, exit on
 * OutOfMemoryError, as deploy/scheduler gives the scheduler) takes three concurrent 32 MiB batches
 * of empty objects (about eleven million elements each) and answers each with a 4xx naming the job
 * limit, without holding them as JSON trees; it stays up and accepts the next job.
 */
class LargeBatchTest {

    @Test
    void threeConcurrent32MiBBatchesAreRefusedAndUpStaysUp(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "large-batch-logs"));
        Path noGeoIp = Files.createDirectories(dir.resolve("no-geoip"));
        try (ChildProcess up = ChildProcess.dispatcher("up", logs.resolve("up.log"), 1536, "up", "--data-dir",
                dir.resolve("data").toString(), "--port", "0", "--geoip-dir", noGeoIp.toString())) {
            String base = up.awaitLine("http: ", Duration.ofSeconds(90)).substring("http: ".length()).trim();
            up.awaitLine("ready:", Duration.ofSeconds(90));
            byte[] body = emptyObjects(32 << 20);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/jobs:batch"))
                        .timeout(Duration.ofSeconds(120)).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.join();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
                JsonNode error = TestJson.read(response.body());
                assertThat(error.get("error").asText()).isEqualTo("too_many_jobs");
                assertThat(error.get("detail").asText()).contains("at most 1000 jobs");
            }
            assertThat(up.isAlive()).as("up after the batches").isTrue();
            ApiClient api = ApiClient.of(base);
            ApiResponse ready = api.get("/health/ready");
            assertThat(ready.status()).as(ready.text()).isEqualTo(200);
            ApiResponse accepted = api.post("/v1/jobs", "{\"url\": \"https://example.com/answer#er=mumbai\"}");
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        }
    }

    /** {@code [{},{},...]} of exactly {@code size} bytes. */
    private static byte[] emptyObjects(int size) {
        byte[] body = new byte[size];
        body[0] = '[';
        int i = 1;
        while (i + 4 < size) {
            body[i++] = '{';
            body[i++] = '}';
            body[i++] = ',';
        }
        body[i++] = '{';
        body[i++] = '}';
        while (i < size - 1) {
            body[i++] = ' ';
        }
        body[size - 1] = ']';
        return body;
    }
}
