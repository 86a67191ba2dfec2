package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.store.ClaimOutcome;
import dev.edgedispatcher.store.JobStore;
import dev.edgedispatcher.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims ids in the job store in batches: every claim asked for while the previous batch was in
 * the store goes in the next one, so one round trip serves many jobs under load and a lone job
 * waits for no one. There is no confirmation write once Kafka took the record: claim_job() finds
 * the job's row (the sink wrote it), and this replica answers repeats from its recent accepts. Bounded: past {@value #QUEUE} waiting claims, a claim fails at once as
 * {@link StoreUnavailableException} (503).
 */
public final class ClaimBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimBatcher.class);
    private static final int QUEUE = 20_000;
    private static final int BATCH = 1000;

    private record Pending(JobStore.ClaimRequest request, CompletableFuture<ClaimOutcome> outcome) {
    }

    private final JobStore store;
    private final String owner;
    private final BlockingQueue<Pending> claims = new ArrayBlockingQueue<>(QUEUE);
    private final Thread claimer;
    private volatile boolean running = true;

    public ClaimBatcher(JobStore store, String owner) {
        this.store = store;
        this.owner = owner;
        this.claimer = new Thread(this::claimLoop, "job-store-claims");
        this.claimer.setDaemon(true);
    }

    public ClaimBatcher start() {
        claimer.start();
        return this;
    }

    /** Claims one id; completes with its outcome, or fails with {@link StoreUnavailableException}. */
    public CompletableFuture<ClaimOutcome> claim(JobStore.ClaimRequest request) {
        CompletableFuture<ClaimOutcome> outcome = new CompletableFuture<>();
        if (!claims.offer(new Pending(request, outcome))) {
            outcome.completeExceptionally(new StoreUnavailableException("the job store is not keeping up: " + QUEUE
                    + " claims waiting", null));
        }
        return outcome;
    }

    private void claimLoop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                Pending first = claims.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                claims.drainTo(batch, BATCH - 1);
                claimBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // claimBatch fails every pending future itself; this is a bug path, not a store failure.
                LOG.error("claiming ids failed", e);
                batch.forEach(pending -> pending.outcome().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        claims.drainTo(left);
        left.forEach(pending -> pending.outcome().completeExceptionally(
                new StoreUnavailableException("the scheduler is stopping", null)));
    }

    private void claimBatch(List<Pending> batch) {
        // The same id twice in one batch (two replicas' clients are not, but one client racing itself
        // through two batches of this replica is): the later ones go in the next batch.
        List<Pending> distinct = new ArrayList<>(batch.size());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Pending pending : batch) {
            if (ids.add(pending.request().id())) {
                distinct.add(pending);
            } else if (!claims.offer(pending)) {
                pending.outcome().completeExceptionally(new StoreUnavailableException("the job store is not keeping up", null));
            }
        }
        List<ClaimOutcome> outcomes;
        try {
            outcomes = store.claimAll(distinct.stream().map(Pending::request).toList(), owner);
        } catch (RuntimeException e) {
            distinct.forEach(pending -> pending.outcome().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < distinct.size(); i++) {
            distinct.get(i).outcome().complete(outcomes.get(i));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        claimer.interrupt();
        claimer.join(5000);
    }
}
