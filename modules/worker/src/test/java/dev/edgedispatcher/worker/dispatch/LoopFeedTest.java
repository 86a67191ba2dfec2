package dev.edgedispatcher.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.worker.EventLoopContexts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What LoopFeed promises: every item handled, in order, and a due timer never waits for a whole burst. */
class LoopFeedTest {

    private Vertx vertx;
    private Context loop;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        loop = EventLoopContexts.create(vertx, 1).get(0);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * 5,000 items of 20 µs each (100 ms of work) handed over while the loop is busy, the first of them
     * arming a 5 ms timer: the timer fires while the burst is still being handled. With one task per
     * item (runOnContext, the worker before LoopFeed) Netty runs all 5,000 queued tasks before it
     * looks at its timers, and the timer fires after the last item.
     */
    @Test
    void aDueTimerFiresBeforeABurstIsHandled() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger handledWhenTimerFired = new AtomicInteger(-1);
        LoopFeed<Integer> feed = new LoopFeed<>(loop, item -> {
            if (item == 0) {
                vertx.setTimer(5, id -> handledWhenTimerFired.set(handled.get()));
            }
            long until = System.nanoTime() + 20_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            handled.incrementAndGet();
        });
        // Hold the loop while the burst is handed over, as a loop busy with deliveries would be.
        CountDownLatch release = new CountDownLatch(1);
        loop.runOnContext(v -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 5_000; i++) {
            feed.add(i);
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == 5_000 && handledWhenTimerFired.get() >= 0);
        assertThat(handledWhenTimerFired.get()).as("items handled before the 5 ms timer fired").isLessThan(2_500);
    }

    @Test
    void everyItemIsHandledInOrderEvenAfterOneThrows() {
        List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        LoopFeed<Integer> feed = new LoopFeed<>(loop, item -> {
            seen.add(item);
            if (item == 10) {
                throw new IllegalStateException("a bug in the handler");
            }
            if (item == 100) {
                throw new AssertionError("an Error from the handler");
            }
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            feed.add(i);
            expected.add(i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1_000);
        assertThat(seen).containsExactlyElementsOf(expected);
        // And the feed still takes work afterwards.
        feed.add(1_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1_001);
    }
}
