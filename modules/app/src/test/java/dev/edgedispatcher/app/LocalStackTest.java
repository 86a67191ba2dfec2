package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `dispatcher up` runs, driven through `dispatcher submit`: accept, bad input, status after a restart. */
class LocalStackTest {

    @Test
    void healthCoversTheBrokerAndTheSchedulersLoops(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = TestStacks.schedulerOnly(dataDir)) {
            ApiClient api = TestStacks.api(stack);
            for (String probe : new String[] {"/health/ready", "/health/live", "/health"}) {
                ApiResponse response = api.get(probe);
                assertThat(response.status()).as(probe + ": " + response.text()).isEqualTo(200);
                JsonNode body = response.json();
                assertThat(body.get("status").asText()).isEqualTo("up");
                assertThat(body.get("components").fieldNames()).toIterable()
                        .containsExactly("intake", "store-sink", "job-store", "producer", "broker");
                assertThat(body.at("/components/broker/status").asText()).isEqualTo("up");
            }
        }
    }

    @Test
    void submitThenRestartKeepsTheJobAndItsStatus(@TempDir Path dataDir) throws Exception {
        String server;
        try (LocalStack stack = TestStacks.schedulerOnly(dataDir)) {
            server = "http://127.0.0.1:" + stack.httpPort();
            CommandRun accepted = CommandRun.dispatcher("submit", "https://example.com/answer#er=singapore&rc=2", "--param", "CallUUID=1",
                    "--id", "local-1", "--server", server);
            assertThat(accepted.exitCode()).as(accepted.err()).isZero();
            JsonNode document = accepted.json();
            assertThat(document.get("region").asText()).isEqualTo("singapore");
            assertThat(document.at("/policy/rc").asInt()).isEqualTo(2);

            CommandRun bad = CommandRun.dispatcher("submit", "https://example.com/answer#er=atlantis", "--server", server);
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("\"field\":\"er\"");
        }
        try (LocalStack stack = TestStacks.schedulerOnly(dataDir)) {
            // Right after the restart the store's sink may not have stored local-1 yet: its claim is
            // then in doubt (503 in_doubt, exit 4), and the client sends it again, as any client would.
            CommandRun again = CommandRun.dispatcher("submit", "https://example.com/answer#er=singapore&rc=2", "--id", "local-1",
                    "--server", "http://127.0.0.1:" + stack.httpPort());
            for (int tries = 1; again.exitCode() == ExitCode.UNAVAILABLE && tries < 30; tries++) {
                assertThat(again.err()).contains("\"error\":\"in_doubt\"");
                Thread.sleep(1000);
                again = CommandRun.dispatcher("submit", "https://example.com/answer#er=singapore&rc=2", "--id", "local-1",
                        "--server", "http://127.0.0.1:" + stack.httpPort());
            }
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        }
        CommandRun unreachable = CommandRun.dispatcher("submit", "https://example.com/a", "--server", server);
        assertThat(unreachable.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(unreachable.err()).contains("not reachable");
    }
}
