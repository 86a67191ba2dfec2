package dev.edgedispatcher.scheduler.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.store.JobQuery;
import dev.edgedispatcher.store.JobStore;
import dev.edgedispatcher.store.ListCursor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the API reads of jobs, asynchronously: the job store for everything, and this replica's
 * {@link RecentAccepts} for a job accepted here that the sink has not stored yet. The status page's
 * figures are cached for {@value #SUMMARY_CACHE_MS} ms per account (they are the same whichever
 * replica answers, only as fresh as that). A failure of the store completes the futures with
 * {@link dev.edgedispatcher.store.StoreUnavailableException} (the API answers 503, never 404).
 */
public final class JobReads {

    private static final long SUMMARY_CACHE_MS = 2_000;

    private final JobStore store;
    private final StoreCalls calls;
    private final RecentAccepts recent;
    private final Map<Optional<String>, CachedSummary> summaries = new ConcurrentHashMap<>();

    private record CachedSummary(long atMs, CompletableFuture<JobStore.RegionSummary> summary) {
    }

    public JobReads(JobStore store, StoreCalls calls, RecentAccepts recent) {
        this.store = store;
        this.calls = calls;
        this.recent = recent;
    }

    public CompletableFuture<Optional<ObjectNode>> status(String id, Optional<String> account) {
        return calls.call(() -> store.statusDocument(id, account)
                .or(() -> recent.find(id).filter(job -> account.isEmpty() || account.get().equals(accountOf(job)))
                        .map(JobReads::queuedDocument)));
    }

    public CompletableFuture<Optional<JobStore.Snapshot>> snapshot(String id, Optional<String> account) {
        return calls.call(() -> store.snapshot(id, account));
    }

    public CompletableFuture<JobStore.Page> list(JobQuery query, Optional<ListCursor> after, int limit) {
        return calls.call(() -> store.list(query, after, limit));
    }

    public CompletableFuture<List<JobStore.Match>> matches(JobQuery query, int limit) {
        return calls.call(() -> store.matches(query, limit));
    }

    public CompletableFuture<JobStore.RegionSummary> summary(Optional<String> account) {
        long now = System.currentTimeMillis();
        CachedSummary cached = summaries.get(account);
        if (cached != null && now - cached.atMs() < SUMMARY_CACHE_MS && !cached.summary().isCompletedExceptionally()) {
            return cached.summary();
        }
        CompletableFuture<JobStore.RegionSummary> fresh = calls.call(() -> store.summary(account));
        if (summaries.size() > 10_000) {
            summaries.clear(); // bounded: one entry per account asking
        }
        summaries.put(account, new CachedSummary(now, fresh));
        return fresh;
    }

    private static String accountOf(JobRecord job) {
        return job.account() == null ? JobStore.DEFAULT_ACCOUNT : job.account();
    }

    /** The status of a job accepted here and not stored yet: queued, no attempts. */
    private static ObjectNode queuedDocument(JobRecord job) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", job.id());
        node.put("state", JobState.QUEUED.wireName());
        node.put("region", job.region());
        node.set("resolution", job.resolution());
        node.putNull("delivered_by");
        node.put("account", accountOf(job));
        node.put("host", JobStore.hostOf(job.url()));
        node.put("submitted_at", Instant.ofEpochMilli(job.submittedAtMs()).toString());
        node.putNull("last_outcome");
        node.put("retry_of", job.retryOf());
        node.putArray("attempts");
        return node;
    }
}
