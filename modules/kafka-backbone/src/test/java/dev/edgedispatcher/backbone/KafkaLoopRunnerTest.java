package dev.edgedispatcher.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.health.LoopHealth;
import dev.edgedispatcher.backbone.loop.Backoff;
import dev.edgedispatcher.backbone.loop.KafkaLoop;
import dev.edgedispatcher.backbone.loop.KafkaLoopRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The one loop runner: retries with a backoff and says so on health, stops for good on access denied, always closes. */
class KafkaLoopRunnerTest {

    /** A loop whose turns fail {@code failures} times, then work; or are denied. */
    private static final class ScriptedLoop implements KafkaLoop {
        final AtomicInteger turns = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile int failures;
        volatile boolean denied;

        @Override
        public void open() {
            events.add("open");
        }

        @Override
        public void turn() throws InterruptedException {
            int n = turns.incrementAndGet();
            if (denied) {
                throw new SaslAuthenticationException("bad password");
            }
            if (n <= failures) {
                throw new TimeoutException("broker away " + n);
            }
            Thread.sleep(5);
        }

        @Override
        public String failed(RuntimeException error) {
            events.add("failed " + error.getMessage());
            return "Kafka: " + error.getMessage();
        }

        @Override
        public String doing() {
            return "reading a test topic";
        }

        @Override
        public void wakeup() {
            events.add("wakeup");
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void aFailingTurnIsRetriedAfterTheBackoffAndHealthSaysWhyUntilATurnWorks() throws Exception {
        ScriptedLoop loop = new ScriptedLoop();
        loop.failures = 3;
        LoopHealth health = new LoopHealth("test-loop", 60_000);
        health.kafkaOk();
        Backoff backoff = new Backoff(LoggerFactory.getLogger("test"), "test loop", Duration.ofMillis(50), Duration.ofMillis(200));
        long started = System.nanoTime();
        try (KafkaLoopRunner runner = new KafkaLoopRunner("test-loop", LoggerFactory.getLogger("test"), health, backoff,
                denied -> { }, loop).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.turns.get() > 5);
            // Three failures: 50 + 100 + 200 ms of pauses at least.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
            assertThat(loop.events).startsWith("open", "failed broker away 1", "failed broker away 2", "failed broker away 3");
            assertThat(health.liveness().up()).isTrue();
            assertThat(backoff.nextMs()).isEqualTo(50); // a turn worked: back to the first pause
        }
        assertThat(loop.closed).isTrue();
        assertThat(loop.events).contains("wakeup");
        assertThat(health.liveness().up()).isFalse(); // closed: nothing serves any more
    }

    @Test
    void accessDeniedStopsTheLoopForGoodAndTellsTheProcess() throws Exception {
        ScriptedLoop loop = new ScriptedLoop();
        loop.denied = true;
        LoopHealth health = new LoopHealth("test-loop", 60_000);
        List<KafkaAccessDenied> told = new CopyOnWriteArrayList<>();
        try (KafkaLoopRunner runner = new KafkaLoopRunner("test-loop", LoggerFactory.getLogger("test"), health,
                new Backoff(LoggerFactory.getLogger("test"), "test loop"), told::add, loop).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !told.isEmpty());
            await().atMost(Duration.ofSeconds(5)).until(loop.closed::get);
            assertThat(loop.turns.get()).isEqualTo(1);
            assertThat(health.liveness().up()).isFalse();
            assertThat(health.liveness().detail()).contains("reading a test topic");
        }
    }
}
