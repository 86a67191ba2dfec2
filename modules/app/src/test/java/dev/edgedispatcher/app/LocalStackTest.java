package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `dispatcher up` runs, driven through `dispatcher submit`: accept, bad input, status after a restart. */
class LocalStackTest {

    private static LocalStack start(Path dataDir) throws Exception {
        RegionResolver resolver = RegionResolver.builder().noGeoLocator("not needed").homeRegion(Region.N_VIRGINIA).build();
        return LocalStack.start(dataDir, 0, bootstrap -> SchedulerConfig.defaults(bootstrap, resolver).withPort(0),
                bootstrap -> Optional.empty());
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run dispatcher(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Dispatcher.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void submitThenRestartKeepsTheJobAndItsStatus(@TempDir Path dataDir) throws Exception {
        String server;
        try (LocalStack stack = start(dataDir)) {
            server = "http://127.0.0.1:" + stack.httpPort();
            Run accepted = dispatcher("submit", "https://example.com/answer#er=singapore&rc=2", "--param", "CallUUID=1",
                    "--id", "local-1", "--server", server);
            assertThat(accepted.exitCode()).as(accepted.err()).isZero();
            JsonNode document = new ObjectMapper().readTree(accepted.out());
            assertThat(document.get("region").asText()).isEqualTo("singapore");
            assertThat(document.at("/policy/rc").asInt()).isEqualTo(2);

            Run bad = dispatcher("submit", "https://example.com/answer#er=atlantis", "--server", server);
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("\"field\":\"er\"");
        }
        try (LocalStack stack = start(dataDir)) {
            Run again = dispatcher("submit", "https://example.com/answer#er=singapore&rc=2", "--id", "local-1",
                    "--server", "http://127.0.0.1:" + stack.httpPort());
            assertThat(again.exitCode()).isZero();
            assertThat(new ObjectMapper().readTree(again.out()).get("duplicate").asBoolean()).isTrue();
        }
        Run unreachable = dispatcher("submit", "https://example.com/a", "--server", server);
        assertThat(unreachable.exitCode()).isEqualTo(3);
        assertThat(unreachable.err()).contains("not reachable");
    }
}
