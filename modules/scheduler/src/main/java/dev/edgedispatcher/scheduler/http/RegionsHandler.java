package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.status.DeliveryRate;
import dev.edgedispatcher.scheduler.status.JobCounts;
import dev.edgedispatcher.scheduler.status.RegionLag;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /v1/regions}: per region, the jobs the status index holds by state, deliveries per
 * second over the last {@link DeliveryRate#WINDOW_SECONDS} s and the consumer-group lag. Counts are
 * kept incrementally by the index and the lag is cached ({@link RegionLag}): a request scans
 * nothing and never waits on Kafka on the event loop. With API keys, jobs and deliveries are the
 * key's account's; lag is the region's (the worker pool is shared by every account).
 */
final class RegionsHandler implements Handler<RoutingContext> {

    private final JobCounts counts;
    private final DeliveryRate rate;
    private final RegionLag lag;

    RegionsHandler(JobCounts counts, DeliveryRate rate, RegionLag lag) {
        this.counts = counts;
        this.rate = rate;
        this.lag = lag;
    }

    @Override
    public void handle(RoutingContext context) {
        Optional<String> account = ApiKeyCheck.callerAccount(context);
        Future.fromCompletionStage(lag.snapshot(), context.vertx().getOrCreateContext())
                .onComplete(snapshot -> JsonReplies.respond(context, 200,
                        document(account, snapshot.succeeded() ? Optional.of(snapshot.result()) : Optional.empty())));
    }

    /** The document, from the counters and the lag snapshot (empty when Kafka could not be asked). */
    ObjectNode document(Optional<String> account, Optional<RegionLag.Snapshot> snapshot) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode regions = body.putArray("regions");
        for (Region region : Region.values()) {
            ObjectNode entry = regions.addObject();
            entry.put("region", region.wireName());
            ObjectNode jobs = entry.putObject("jobs");
            counts.of(region, account).forEach(jobs::put);
            entry.put("deliveries_per_second", rate.perSecond(region, account));
            Optional<Long> regionLag = snapshot.flatMap(s -> s.of(region));
            if (regionLag.isPresent()) {
                entry.put("lag", regionLag.get());
            } else {
                entry.putNull("lag");
                entry.put("lag_error", snapshot.flatMap(s -> s.problem(region)).orElse("Kafka was not asked"));
            }
        }
        return body;
    }
}
