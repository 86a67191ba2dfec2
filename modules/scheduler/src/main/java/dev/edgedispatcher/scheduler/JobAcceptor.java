package dev.edgedispatcher.scheduler;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.NotSentException;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.regions.RegionFailover;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.store.ClaimBatcher;
import dev.edgedispatcher.scheduler.store.InDoubtException;
import dev.edgedispatcher.scheduler.store.RecentAccepts;
import dev.edgedispatcher.scheduler.store.StoreCalls;
import dev.edgedispatcher.store.AcceptedJob;
import dev.edgedispatcher.store.ClaimOutcome;
import dev.edgedispatcher.store.JobStore;
import java.util.List;
import java.util.concurrent.CompletionException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Accepts a validated job: resolves its region, publishes it to the region topic and answers with
 * the accept document only once Kafka has acknowledged it. An id that may come again (a client's)
 * is first claimed in the job store, so it is published once across every replica
 * (docs/job-store.md, "Claims"); a generated id needs no claim, so such jobs flow while the store
 * is away.
 */
public final class JobAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(JobAcceptor.class);

    /**
     * The result of an accept; {@code duplicate} when the id had been accepted before. {@code owner}
     * is the account of the job that holds the id ({@code default} when it named none).
     */
    public record Accepted(ObjectNode document, boolean duplicate, Optional<String> owner) {
    }

    /** An accept under way: the account it is for, and its document once Kafka has the record. */
    private record Pending(String account, CompletableFuture<ObjectNode> document) {
    }

    private record Published(JobRecord record, byte[] value, RecordMetadata metadata) {
    }

    private record Claimed(JobRecord record, ClaimOutcome claim) {
    }

    private final RegionResolver resolver;
    private final Optional<RegionFailover> failover;
    private final JobPublisher publisher;
    private final JobStore store;
    private final StoreCalls calls;
    private final ClaimBatcher claims;
    private final RecentAccepts recent;
    private final String owner;
    private final MeterRegistry metrics;
    private final Timer publishLatency;
    private final Timer claimLatency;
    private final Map<String, Pending> inProgress = new ConcurrentHashMap<>();
    private final Map<String, Counter> acceptedByRegion = new ConcurrentHashMap<>();
    private final Counter publishFailures;

    public JobAcceptor(RegionResolver resolver, JobPublisher publisher, JobStore store, StoreCalls calls,
            ClaimBatcher claims, RecentAccepts recent, String owner, MeterRegistry metrics) {
        this(resolver, Optional.empty(), publisher, store, calls, claims, recent, owner, metrics);
    }

    /** {@code failover}: moves new jobs off regions that are down (docs/regions.md), when regions are watched. */
    public JobAcceptor(RegionResolver resolver, Optional<RegionFailover> failover, JobPublisher publisher, JobStore store,
            StoreCalls calls, ClaimBatcher claims, RecentAccepts recent, String owner, MeterRegistry metrics) {
        this.failover = failover;
        this.claims = claims;
        this.resolver = resolver;
        this.publisher = publisher;
        this.store = store;
        this.calls = calls;
        this.recent = recent;
        this.owner = owner;
        this.metrics = metrics;
        this.publishLatency = Timer.builder("dispatcher_scheduler_publish").description("accept to Kafka ack")
                .publishPercentileHistogram().register(metrics);
        this.claimLatency = Timer.builder("dispatcher_scheduler_claim")
                .description("asking the job store to claim a client's id to its answer (batched with other claims)")
                .publishPercentileHistogram().register(metrics);
        this.publishFailures = Counter.builder("dispatcher_scheduler_publish_failures")
                .description("jobs Kafka did not acknowledge (answered 503)").register(metrics);
    }

    /** A claim through the batcher, timed (dispatcher_scheduler_claim_seconds). */
    private CompletableFuture<ClaimOutcome> claimTimed(JobStore.ClaimRequest request) {
        long asked = System.nanoTime();
        return claims.claim(request).whenComplete((claim, error) -> claimLatency.record(System.nanoTime() - asked,
                TimeUnit.NANOSECONDS));
    }

    /**
     * Completes with the accept document; fails with {@link dev.edgedispatcher.store.StoreUnavailableException}
     * when an id that must be claimed cannot be, with {@link InDoubtException} when another replica
     * holds the claim unconfirmed, or with Kafka's error when it did not acknowledge the record.
     */
    public CompletableFuture<Accepted> accept(ValidatedJob job) {
        String account = job.account().orElse(JobStore.DEFAULT_ACCOUNT);
        CompletableFuture<ObjectNode> mine = new CompletableFuture<>();
        Pending first = inProgress.putIfAbsent(job.id(), new Pending(account, mine));
        if (first != null) {
            return first.document().thenApply(document -> new Accepted(document.deepCopy(), true, Optional.of(first.account())));
        }
        if (job.idMayRepeat()) {
            // Accepted by this replica moments ago: a repeat, answered without asking the store.
            Optional<JobRecord> recentlyHere = recent.find(job.id());
            if (recentlyHere.isPresent()) {
                inProgress.remove(job.id());
                JobRecord earlier = recentlyHere.get();
                ObjectNode document = acceptDocument(earlier);
                mine.complete(document);
                return CompletableFuture.completedFuture(new Accepted(document.deepCopy(), true,
                        Optional.of(earlier.account() == null ? JobStore.DEFAULT_ACCOUNT : earlier.account())));
            }
        }
        long started = System.nanoTime();
        CompletableFuture<Accepted> answer = new CompletableFuture<>();
        resolver.resolve(job.primary().policy().edgeRegion(), job.primary().url().host(), job.mediaServer())
                .thenApply(chosen -> failover.map(f -> f.apply(chosen, job.orderingKey(), account)).orElse(chosen))
                .thenApply(resolution -> new JobRecord(job.id(), job.rawUrl(), job.primary().kind().wireName(), job.method(),
                        job.params(), job.body().orElse(null), job.contentType().orElse(null),
                        job.rawFallbackUrl().orElse(null), job.mediaServer().orElse(null),
                        job.orderingKey().orElse(null), job.account().orElse(null), resolution.region().wireName(),
                        PolicyJson.resolution(resolution), PolicyJson.policy(job.primary().policy()),
                        System.currentTimeMillis()))
                .thenCompose(record -> !job.idMayRepeat()
                        ? CompletableFuture.completedFuture(new Claimed(record, null))
                        : claimTimed(new JobStore.ClaimRequest(record.id(), account,
                                Topics.region(Region.fromWireName(record.region()).orElseThrow()), acceptDocument(record)))
                                .thenApply(claim -> new Claimed(record, claim)))
                .thenCompose(claimed -> {
                    ClaimOutcome claim = claimed.claim();
                    if (claim != null && !claim.mayPublish()) {
                        if (claim.kind() == ClaimOutcome.Kind.IN_DOUBT) {
                            throw new InDoubtException(job.id());
                        }
                        // A repeat: published before (by any replica), never again.
                        answer.complete(new Accepted(claim.document(), true, Optional.of(claim.account())));
                        return CompletableFuture.completedFuture(null);
                    }
                    byte[] value = RecordJson.write(claimed.record());
                    return publisher.publish(claimed.record(), value).handle((metadata, error) -> {
                        if (error == null) {
                            return CompletableFuture.completedFuture(new Published(claimed.record(), value, metadata));
                        }
                        if (!NotSentException.mayHaveBeenWritten(error)) {
                            if (claim != null) {
                                calls.fireAndForget(() -> store.releaseClaim(job.id(), owner));
                            }
                            return CompletableFuture.<Published>failedFuture(Failures.cause(error));
                        }
                        // Kafka may have written it: the claim stays unconfirmed, so that a retry with this id
                        // gets in_doubt until the sink finds the record (a repeat) or proves it absent (published
                        // then). A generated id is claimed now for the same reason: the answer names it.
                        CompletableFuture<?> held = claim != null ? CompletableFuture.completedFuture(null)
                                : claims.claim(new JobStore.ClaimRequest(claimed.record().id(), account,
                                        Topics.region(Region.fromWireName(claimed.record().region()).orElseThrow()),
                                        acceptDocument(claimed.record())));
                        return held.<Published>handle((ignored, claimFailure) -> {
                            if (claimFailure != null) {
                                LOG.warn("job {}: Kafka did not confirm it and the store could not hold its id ({}); a"
                                        + " retry with this id may deliver it twice", job.id(), claimFailure.toString());
                            }
                            Throwable cause = Failures.cause(error);
                            throw new InDoubtException(job.id(), "Kafka did not confirm job " + job.id() + " ("
                                    + cause.getClass().getSimpleName() + "): it may have been written. Ask again with the"
                                    + " same id in a few seconds: it is never delivered twice");
                        });
                    }).thenCompose(published -> published);
                })
                .whenComplete((published, error) -> {
                    inProgress.remove(job.id());
                    if (error != null) {
                        Throwable cause = Failures.cause(error);
                        if (!(cause instanceof InDoubtException) && !(cause instanceof dev.edgedispatcher.store.StoreUnavailableException)) {
                            publishFailures.increment();
                        }
                        mine.completeExceptionally(cause);
                        answer.completeExceptionally(cause);
                        return;
                    }
                    if (published == null) {
                        // Answered as a repeat above; same-replica waiters get the same document.
                        mine.complete(answer.join().document());
                        return;
                    }
                    ObjectNode document = published(published.record(), published.value());
                    publishLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    mine.complete(document);
                    answer.complete(new Accepted(document.deepCopy(), false, Optional.of(account)));
                });
        return answer;
    }

    /**
     * Publishes a job built here (a retry of an earlier one: new id, same delivery id); completes
     * with its accept document once Kafka has it and the store has its row, so that a redrive right
     * after sees it (and leaves its original out). Its id is new and generated: no claim. Should the
     * store write fail, the sink writes the row from the topic as for any job.
     */
    public CompletableFuture<ObjectNode> publishRetry(JobRecord record) {
        byte[] value = RecordJson.write(record);
        return publisher.publish(record, value).handle((metadata, error) -> {
            if (error != null) {
                publishFailures.increment();
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            return metadata;
        }).thenCompose(metadata -> calls.call(() -> {
            store.write(List.of(AcceptedJob.of(record, metadata.topic(), metadata.partition(), metadata.offset())), List.of());
            return metadata;
        }).handle((written, storeError) -> published(record, value)));
    }

    /** Kafka has {@code record}: this replica remembers it until the sink has stored it, and its accept document is built. */
    private ObjectNode published(JobRecord record, byte[] value) {
        recent.accepted(record.id(), value);
        acceptedByRegion.computeIfAbsent(record.region(), region -> Counter.builder("dispatcher_jobs_accepted")
                .description("jobs accepted and published to their region's topic, by region").tag("region", region).register(metrics)).increment();
        return acceptDocument(record);
    }

    /** The {@code 202} document: {id, region, resolution, policy}. */
    static ObjectNode acceptDocument(JobRecord record) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("id", record.id());
        document.put("region", record.region());
        document.set("resolution", record.resolution());
        document.set("policy", record.policy());
        return document;
    }
}
