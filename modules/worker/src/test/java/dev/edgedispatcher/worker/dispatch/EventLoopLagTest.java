package dev.edgedispatcher.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loops' lateness is measured while the worker is quiet too (ticks every 100 ms instead of
 * 10 ms): a loop stalled after a quiet spell is seen as lagging by the first questions after it,
 * and as punctual again once it runs freely.
 */
class EventLoopLagTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aLoopStalledAfterAQuietSpellIsSeenLaggingAndThenPunctualAgain() throws Exception {
        Context loop = vertx.getOrCreateContext();
        EventLoopLag lag = EventLoopLag.watch(vertx, List.of(loop));
        Thread.sleep(1_500); // nobody asks: the ticks slow to every 100 ms
        assertThat(lag.overloaded()).as("an idle loop").isFalse();
        Thread.sleep(1_200); // quiet again (the question above was more than a second ago)
        loop.runOnContext(stall -> {
            try {
                Thread.sleep(300); // the loop busy for 300 ms, as under a burst of work
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // The tick due during the stall fires when it ends, at least 200 ms late.
        await().atMost(Duration.ofMillis(900)).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertThat(lag.worstMs()).isGreaterThanOrEqualTo(EventLoopLag.OVERLOADED_MS));
        assertThat(lag.overloaded()).isTrue();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lag.overloaded()).isFalse());
    }
}
