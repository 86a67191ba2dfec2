package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.status.RegionLag;
import dev.edgedispatcher.scheduler.store.JobReads;
import dev.edgedispatcher.scheduler.regions.RegionHealth;
import dev.edgedispatcher.scheduler.store.JobStoreSinks;
import dev.edgedispatcher.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/regions}: per region, jobs by state from the job store (queued and in flight: all
 * of them; delivered and failed: those finished in the last {@code JobStore.FINAL_COUNT_WINDOW}),
 * deliveries per second over the last {@code JobStore.RATE_WINDOW}, and the consumer-group lag;
 * with the job store sink's lag. The same whichever replica answers. With API keys, jobs and
 * deliveries are the key's account's; lag is the region's (the worker pool is shared).
 */
final class RegionsHandler implements Handler<RoutingContext> {

    private final JobReads reads;
    private final RegionLag lag;
    private final JobStoreSinks sink;
    private final RegionHealth health;

    RegionsHandler(JobReads reads, RegionLag lag, JobStoreSinks sink, RegionHealth health) {
        this.health = health;
        this.reads = reads;
        this.lag = lag;
        this.sink = sink;
    }

    @Override
    public void handle(RoutingContext context) {
        Optional<String> account = ApiKeyCheck.callerAccount(context);
        CompletableFuture<Optional<RegionLag.Snapshot>> lagged = lag.snapshot().toCompletableFuture()
                .thenApply(Optional::of).exceptionally(error -> Optional.empty());
        Future.fromCompletionStage(reads.summary(account).thenCombine(lagged, (summary, snapshot) -> document(summary, snapshot)),
                context.vertx().getOrCreateContext()).onComplete(done -> {
                    if (done.failed()) {
                        JsonReplies.storeUnavailable(context, done.cause());
                    } else {
                        JsonReplies.respond(context, 200, done.result());
                    }
                });
    }

    /** The document, from the store's summary and the lag snapshot (empty when Kafka could not be asked). */
    ObjectNode document(JobStore.RegionSummary summary, Optional<RegionLag.Snapshot> snapshot) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode regions = body.putArray("regions");
        for (Region region : Region.values()) {
            ObjectNode entry = regions.addObject();
            entry.put("region", region.wireName());
            entry.put("state", health.state(region).wireName());
            ObjectNode jobs = entry.putObject("jobs");
            Map<String, Long> counted = summary.jobsByRegion().getOrDefault(region.wireName(), Map.of());
            for (String state : JobState.wireNames()) {
                jobs.put(state, counted.getOrDefault(state, 0L));
            }
            entry.put("deliveries_per_second", summary.deliveriesPerSecond().getOrDefault(region.wireName(), 0.0));
            Optional<Long> regionLag = snapshot.flatMap(s -> s.of(region));
            if (regionLag.isPresent()) {
                entry.put("lag", regionLag.get());
            } else {
                entry.putNull("lag");
                entry.put("lag_error", snapshot.flatMap(s -> s.problem(region)).orElse("Kafka was not asked"));
            }
        }
        body.put("store_sink_lag", sink.lag());
        return body;
    }
}
