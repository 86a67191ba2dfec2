package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.scheduler.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/callbacks.md, "The destination guard": `up` lets its workers call loopback only while its API
 * is on loopback. Listening beyond it (API keys required), a key holder's job to a receiver on this
 * machine fails {@code blocked_address} and the receiver sees nothing; `scale` inherits the same.
 */
class UpBeyondLoopbackTest {

    @Test
    void upListeningBeyondLoopbackKeepsItsWorkersOffLoopback(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "up-beyond-loopback-logs"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path noGeoIp = Files.createDirectories(dir.resolve("no-geoip"));
        Files.writeString(data.resolve(KeysCommand.ACCOUNTS_FILE), "{\"default\": {\"auth_token\": \"MAdefaultdefaultdef1\"}}");
        CommandRun created = CommandRun.dispatcher("keys", "create", "--account", "default", "--data-dir", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        String key = created.out().trim();

        Vertx vertx = Vertx.vertx();
        AtomicInteger received = new AtomicInteger();
        try (ChildProcess up = ChildProcess.dispatcher("up", logs.resolve("up.log"), 768, "up", "--data-dir", data.toString(),
                "--host", "0.0.0.0", "--port", "0", "--geoip-dir", noGeoIp.toString())) {
            HttpServer receiver = vertx.createHttpServer().requestHandler(request -> {
                received.incrementAndGet();
                request.response().end("ok");
            }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            String http = up.awaitLine("http: ", Duration.ofSeconds(90)).substring("http: ".length()).trim();
            assertThat(up.awaitLine("destinations: ", Duration.ofSeconds(90))).contains("may not call loopback")
                    .doesNotContain("127.0.0.0/8");
            up.awaitLine("ready:", Duration.ofSeconds(90));
            ApiClient api = ApiClient.of(http.replace("0.0.0.0", "127.0.0.1")).withBearer(key);

            var answer = api.post("/v1/jobs", "{\"id\": \"to-loopback\", \"url\": \"http://127.0.0.1:" + receiver.actualPort()
                    + "/answer#er=frankfurt&rc=0\"}");
            assertThat(answer.status()).as(answer.text()).isEqualTo(202);
            JsonNode status = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.get("/v1/jobs/to-loopback").json(), job -> job.path("state").asText().equals("failed"));
            assertThat(status.toString()).contains("blocked_address");
            assertThat(received).hasValue(0);
            assertThat(Files.readString(data.resolve("workers").resolve("pool.json"))).doesNotContain("127.0.0.0/8");
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
