package dev.edgedispatcher.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.worker.delivery.DestinationBulkheads;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-destination bulkheads cap concurrency, hand permits over in order, and are forgotten once idle. */
class DestinationBulkheadsTest {

    @Test
    void idleDestinationsAreForgottenSoMemoryFollowsOnlyTheDestinationsInUse() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            DestinationBulkheads bulkheads = new DestinationBulkheads(vertx, 2);
            CompletableFuture<int[]> afterUse = new CompletableFuture<>();
            CompletableFuture<List<String>> order = new CompletableFuture<>();
            vertx.runOnContext(start -> {
                List<DestinationBulkheads.Permit> held = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    Promise<DestinationBulkheads.Permit> permit = Promise.promise();
                    bulkheads.acquire("host-" + i + ":443", permit);
                    held.add(permit.future().result());
                }
                int tracked = bulkheads.destinations();
                held.forEach(DestinationBulkheads.Permit::release);
                afterUse.complete(new int[] {tracked, bulkheads.destinations()});

                List<String> granted = new ArrayList<>();
                List<Promise<DestinationBulkheads.Permit>> waiting = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Promise<DestinationBulkheads.Permit> permit = Promise.promise();
                    int n = i;
                    permit.future().onSuccess(p -> granted.add("job-" + n));
                    bulkheads.acquire("busy:80", permit);
                    waiting.add(permit);
                }
                vertx.setTimer(50, t1 -> {
                    List<String> firstTwo = List.copyOf(granted);
                    waiting.get(0).future().result().release();
                    waiting.get(1).future().result().release();
                    vertx.setTimer(50, t2 -> {
                        waiting.get(2).future().result().release();
                        waiting.get(3).future().result().release();
                        List<String> all = new ArrayList<>(firstTwo);
                        all.add("|");
                        all.addAll(granted.subList(2, granted.size()));
                        all.add("tracked=" + bulkheads.destinations());
                        order.complete(all);
                    });
                });
            });
            assertThat(afterUse.get(10, TimeUnit.SECONDS)).containsExactly(10_000, 0);
            assertThat(order.get(10, TimeUnit.SECONDS)).containsExactly("job-0", "job-1", "|", "job-2", "job-3", "tracked=0");
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
