package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.store.StoreUnavailableException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the job store's blocking calls off the event loops, on a bounded pool with a bounded queue:
 * when the store is slow, calls past the queue fail at once as {@link StoreUnavailableException}
 * (503 store_unavailable) instead of piling up in memory.
 */
public final class StoreCalls implements AutoCloseable {

    private final ThreadPoolExecutor executor;

    public StoreCalls(int threads, int queued) {
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                runnable -> {
                    Thread thread = new Thread(runnable, "job-store-call");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    public <T> CompletableFuture<T> call(Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(call, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new StoreUnavailableException(
                    "the job store is not keeping up: " + executor.getQueue().size() + " calls waiting", e));
        }
    }

    /** Runs {@code call} without waiting for it (a confirmation whose loss only delays a repeat's answer). */
    public void fireAndForget(Runnable call) {
        try {
            executor.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(StoreCalls.class).debug("background store call failed: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // Dropped: the claim stays unconfirmed and claim_job settles it from the jobs table.
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
