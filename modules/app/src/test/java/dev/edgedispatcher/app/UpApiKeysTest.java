package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `dispatcher up` as a process: open on loopback without keys and says so; with a key in its data dir, /v1 needs it. */
class UpApiKeysTest {

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    @Timeout(120)
    void upSaysItIsOpenOnLoopbackThenTakesTheKeyCreatedInItsDataDir(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        int port = ChildProcess.freePort();
        try (ChildProcess up = ChildProcess.dispatcher("up-open", dir.resolve("up-open.log"), 384, "up", "--no-workers",
                "--port", "" + port, "--data-dir", data.toString())) {
            up.awaitLine("api keys: none: /v1 is open, to this machine only (listening on loopback 127.0.0.1)", START);
            up.awaitLine("ready:", START);
            assertThat(post(port, null).status()).isEqualTo(202);
        }

        Files.writeString(data.resolve("accounts.json"), "{\"acme\": {\"auth_token\": \"MAacmeacmeacmeacme01\"}}");
        CommandRun created = CommandRun.dispatcher("keys", "create", "--account", "acme", "--data-dir", data.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        String key = created.out().trim();

        port = ChildProcess.freePort();
        try (ChildProcess up = ChildProcess.dispatcher("up-keys", dir.resolve("up-keys.log"), 384, "up", "--no-workers",
                "--port", "" + port, "--data-dir", data.toString(), "--http-header-timeout-ms", "1000")) {
            up.awaitLine("accounts: " + data.resolve("accounts.json").toAbsolutePath(), START);
            up.awaitLine("api keys: 1 configured: /v1 needs Authorization: Bearer <key>", START);
            up.awaitLine("ready:", START);
            ApiResponse refused = post(port, null);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("www-authenticate")).isPresent();
            assertThat(post(port, key).status()).isEqualTo(202);

            // --http-header-timeout-ms reaches the server: a silent connection is closed after about 1 s.
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
                silent.setSoTimeout(10_000);
                long started = System.nanoTime();
                InputStream in = silent.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 5000L);
            }
        }
    }

    /** A job to `up` on {@code port}, within 20 s, with {@code key} when not null. */
    private static ApiResponse post(int port, String key) throws Exception {
        ApiClient api = ApiClient.local(port).withTimeout(Duration.ofSeconds(20));
        return (key == null ? api : api.withBearer(key)).post("/v1/jobs", "{\"url\": \"https://example.com/cb#er=mumbai\"}");
    }
}
