package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaAccessDenied;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a CLI process does when Kafka refuses it for good (bad credentials, a missing ACL): one
 * ERROR line naming the problem, then exit code {@link ExitCode#KAFKA_ACCESS_DENIED}, so
 * that a supervisor sees a crash instead of a process that retries forever. Shutdown hooks run
 * (offsets of finished jobs are committed where Kafka still lets us); if they hang, the process is
 * halted after {@link #HALT_AFTER_MS}.
 */
final class AccessDeniedExit {

    private static final Logger LOG = LoggerFactory.getLogger(AccessDeniedExit.class);
    static final long HALT_AFTER_MS = 20_000;
    private static final AtomicBoolean EXITING = new AtomicBoolean();

    private AccessDeniedExit() {
    }

    /** Called from any client thread, possibly by several loops at once: only the first one logs and exits. */
    static void exit(KafkaAccessDenied denied) {
        if (!EXITING.compareAndSet(false, true)) {
            return;
        }
        LOG.error("{}; exiting with code {}", denied.getMessage(), ExitCode.KAFKA_ACCESS_DENIED);
        // Not on the caller's thread: it may be a Kafka client's own thread, which the shutdown hooks wait for.
        Thread exit = new Thread(() -> System.exit(ExitCode.KAFKA_ACCESS_DENIED), "kafka-access-denied-exit");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(ExitCode.KAFKA_ACCESS_DENIED);
        }, "kafka-access-denied-halt");
        halt.setDaemon(true);
        halt.start();
        exit.start();
    }
}
