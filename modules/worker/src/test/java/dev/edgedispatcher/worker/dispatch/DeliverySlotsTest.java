package dev.edgedispatcher.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slots are taken by the consumer threads of several regions at once: counts stay exact. */
class DeliverySlotsTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void takersOnFourThreadsNeverPassAnAccountsShareAndLeaveNothingHeld() throws Exception {
        EventLoopLag lag = EventLoopLag.watch(vertx, List.of(vertx.getOrCreateContext()));
        DeliverySlots slots = new DeliverySlots(64, 8, lag);
        AtomicInteger[] holding = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        AtomicInteger mostHeld = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 200_000; i++) {
                    int a = (i + seed) % 3;
                    String account = "account-" + a;
                    // Up to three at once per thread: four threads could hold twelve, the share is eight.
                    int taken = 0;
                    while (taken < 3 && slots.tryTake(account)) {
                        taken++;
                        mostHeld.accumulateAndGet(holding[a].incrementAndGet(), Math::max);
                    }
                    for (int k = 0; k < taken; k++) {
                        holding[a].decrementAndGet();
                        slots.give(account);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(mostHeld.get()).as("most slots one account held at once").isBetween(1, 8);
        assertThat(slots.used()).isZero();
        for (int a = 0; a < 3; a++) {
            assertThat(slots.usedBy("account-" + a)).isZero();
        }
    }
}
