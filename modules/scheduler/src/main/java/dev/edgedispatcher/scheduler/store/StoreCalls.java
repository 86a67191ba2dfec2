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

    /**
     * How long a caller waits for a store call: a store that hangs (frozen, partitioned) is answered
     * 503 after this, while the call itself ends at the driver's socket timeout.
     */
    public static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(5);

    public <T> CompletableFuture<T> call(Supplier<T> call) {
        try {
            CompletableFuture<T> result = new CompletableFuture<>();
            CompletableFuture.supplyAsync(call, executor).whenComplete((value, error) -> {
                if (error != null) {
                    result.completeExceptionally(error instanceof java.util.concurrent.CompletionException c
                            && c.getCause() != null ? c.getCause() : error);
                } else {
                    result.complete(value);
                }
            });
            java.util.concurrent.CompletableFuture.delayedExecutor(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> result.completeExceptionally(new StoreUnavailableException(
                            "the job store did not answer within " + CALL_TIMEOUT.toSeconds() + " s", null)));
            return result;
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
