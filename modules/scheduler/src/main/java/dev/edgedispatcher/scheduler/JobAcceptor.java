package dev.edgedispatcher.scheduler;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.scheduler.status.JobStatusIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Accepts a validated job: resolves its region, publishes it to the region topic and answers with
 * the accept document only once Kafka has acknowledged it. The same id is published once: repeats
 * get the first accept's document (also after a restart, through the status index).
 */
public final class JobAcceptor {

    /**
     * The result of an accept; {@code duplicate} when the id had been accepted before. {@code owner}
     * is the account of the job that holds the id ({@code default} when it named none); empty for
     * an evicted job, whose account is forgotten (its document says nothing of it either).
     */
    public record Accepted(ObjectNode document, boolean duplicate, Optional<String> owner) {
    }

    /** An accept under way: the account it is for, and its document once Kafka has the record. */
    private record Pending(String account, CompletableFuture<ObjectNode> document) {
    }

    private record Published(JobRecord record, RecordMetadata metadata) {
    }

    private final RegionResolver resolver;
    private final JobPublisher publisher;
    private final JobStatusIndex index;
    private final MeterRegistry metrics;
    private final Timer publishLatency;
    private final Map<String, Pending> inProgress = new ConcurrentHashMap<>();
    private final Map<String, Counter> acceptedByRegion = new ConcurrentHashMap<>();
    private final Counter publishFailures;

    public JobAcceptor(RegionResolver resolver, JobPublisher publisher, JobStatusIndex index, MeterRegistry metrics) {
        this.resolver = resolver;
        this.publisher = publisher;
        this.index = index;
        this.metrics = metrics;
        this.publishLatency = Timer.builder("dispatcher_scheduler_publish").description("accept to Kafka ack")
                .publishPercentileHistogram().register(metrics);
        this.publishFailures = Counter.builder("dispatcher_scheduler_publish_failures")
                .description("jobs Kafka did not acknowledge (answered 503)").register(metrics);
    }

    /** Completes with the accept document, or fails when Kafka did not acknowledge the record. */
    public CompletableFuture<Accepted> accept(ValidatedJob job) {
        Optional<JobStatusIndex.AcceptedJob> known = index.accepted(job.id());
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(
                    new Accepted(known.get().document(), true, Optional.of(known.get().account())));
        }
        if (index.wasEvicted(job.id())) {
            // Accepted long ago, final, and evicted from the index: never published twice. Its
            // first accept document is gone; say so instead.
            ObjectNode document = JsonNodeFactory.instance.objectNode();
            document.put("id", job.id());
            document.put("evicted", true);
            document.put("detail", "job " + job.id() + " was accepted before, reached a final state and was evicted"
                    + " from the status index (it keeps the newest " + index.retainedFinalJobs() + " final jobs);"
                    + " it was not published again");
            return CompletableFuture.completedFuture(new Accepted(document, true, Optional.empty()));
        }
        String account = job.account().orElse(JobStatusIndex.DEFAULT_ACCOUNT);
        CompletableFuture<ObjectNode> mine = new CompletableFuture<>();
        Pending first = inProgress.putIfAbsent(job.id(), new Pending(account, mine));
        if (first != null) {
            return first.document().thenApply(document -> new Accepted(document.deepCopy(), true, Optional.of(first.account())));
        }
        long started = System.nanoTime();
        resolver.resolve(job.primary().policy().edgeRegion(), job.primary().url().host(), job.mediaServer())
                .thenCompose(resolution -> {
                    JobRecord record = new JobRecord(job.id(), job.rawUrl(), job.primary().kind().wireName(), job.method(),
                            job.params(), job.body().orElse(null), job.contentType().orElse(null),
                            job.rawFallbackUrl().orElse(null), job.mediaServer().orElse(null),
                            job.orderingKey().orElse(null), job.account().orElse(null), resolution.region().wireName(),
                            PolicyJson.resolution(resolution), PolicyJson.policy(job.primary().policy()),
                            System.currentTimeMillis());
                    index.publishing(record.id());
                    return publisher.publish(record).thenApply(metadata -> new Published(record, metadata));
                })
                .whenComplete((published, error) -> {
                    if (error != null) {
                        index.notPublished(job.id());
                        inProgress.remove(job.id());
                        publishFailures.increment();
                        mine.completeExceptionally(error);
                        return;
                    }
                    ObjectNode document = published(published.record(), published.metadata());
                    inProgress.remove(job.id());
                    publishLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    mine.complete(document);
                });
        return mine.thenApply(document -> new Accepted(document, false, Optional.of(account)));
    }

    /**
     * Publishes a job built here (a retry of an earlier one: new id, same delivery id) and records
     * it in the index; completes with its accept document once Kafka has it.
     */
    public CompletableFuture<ObjectNode> publishRetry(JobRecord record) {
        index.publishing(record.id());
        return publisher.publish(record).handle((metadata, error) -> {
            if (error != null) {
                index.notPublished(record.id());
                publishFailures.increment();
                throw error instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(error);
            }
            return published(record, metadata);
        });
    }

    /** Kafka has {@code record}: the index learns it and where it is, and its accept document is built. */
    private ObjectNode published(JobRecord record, RecordMetadata metadata) {
        index.recordAccepted(record);
        index.recordLocated(record.id(), metadata.topic(), metadata.partition(), metadata.offset());
        acceptedByRegion.computeIfAbsent(record.region(), region -> Counter.builder("dispatcher_jobs_accepted")
                .tag("region", region).register(metrics)).increment();
        // From the record's own trees: reading the index back would re-parse what it stored.
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("id", record.id());
        document.put("region", record.region());
        document.set("resolution", record.resolution());
        document.set("policy", record.policy());
        return document;
    }
}
