package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `dispatcher scale` starts and stops real worker processes until the region's group has N members. */
class ScaleCommandTest {



    @Test
    void scalesARegionUpAndDownWithRealProcesses(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = TestStacks.schedulerOnly(dataDir)) {
            Path pool = dataDir.resolve("workers").resolve("mumbai");
            CommandRun up = CommandRun.dispatcher("scale", "--region", "mumbai", "--workers", "2", "--bootstrap", stack.bootstrapServers(),
                    "--data-dir", dataDir.toString());
            assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
            assertThat(up.out()).contains("started worker pid").contains("edge-dispatcher-workers-mumbai: 2 member(s)");
            assertThat(pidFiles(pool)).hasSize(2);

            CommandRun down = CommandRun.dispatcher("scale", "--region", "mumbai", "--workers", "0", "--bootstrap", stack.bootstrapServers(),
                    "--data-dir", dataDir.toString());
            assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
            assertThat(down.out()).contains("stopped worker pid").contains("0 member(s)");
            assertThat(pidFiles(pool)).isEmpty();

            CommandRun bad = CommandRun.dispatcher("scale", "--region", "atlantis", "--workers", "1", "--bootstrap", stack.bootstrapServers());
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("atlantis").contains("frankfurt");
        }
    }

    private static java.util.List<Path> pidFiles(Path pool) throws Exception {
        try (Stream<Path> files = Files.list(pool)) {
            return files.filter(path -> path.toString().endsWith(".pid")).toList();
        }
    }
}
