package dev.edgedispatcher.scheduler.status;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Each region's consumer-group lag: the records of {@code webhooks.region.<region>} that its
 * workers' group ({@link Topics#workerGroup}) has not committed yet (end offset minus committed
 * offset, summed over partitions; a partition with no commit counts from its first offset, where
 * the workers would start). Asked of Kafka with Admin futures, never blocking a caller: the last
 * answer is served at once, and one older than {@link #MAX_AGE} starts one refresh in the
 * background. A region whose offsets cannot be read (no Describe ACL on its group, topic missing, Kafka
 * away) has no lag and says why; this never ends the process (lag is for looking at).
 */
public final class RegionLag implements AutoCloseable {

    /** How long an answer is served before Kafka is asked again. */
    public static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final int TIMEOUT_MS = 2000;

    /** The lag of every region at one moment: a number, or why there is none. */
    public record Snapshot(Map<Region, Long> lag, Map<Region, String> problems, long takenAtNanos) {
        public Optional<Long> of(Region region) {
            return Optional.ofNullable(lag.get(region));
        }

        public Optional<String> problem(Region region) {
            return Optional.ofNullable(problems.get(region));
        }
    }

    private final Admin admin;
    /** The admin clients of the regions with a cluster of their own; the others ask {@link #admin}. */
    private final Map<Region, Admin> regional = new EnumMap<>(Region.class);
    private final LongSupplier nanos;
    private Snapshot last;
    private CompletableFuture<Snapshot> refreshing;

    public RegionLag(KafkaConnection kafka, String clientId) {
        this(createAdmin(kafka, clientId), System::nanoTime);
    }

    /** Each region's lag read on the region's own cluster ({@link Topology}). */
    public RegionLag(Topology topology, String clientId) {
        this(createAdmin(topology.home(), clientId), System::nanoTime);
        topology.regional().forEach((region, kafka) -> regional.put(region, createAdmin(kafka, clientId + "-"
                + region.wireName())));
    }

    private Admin adminOf(Region region) {
        return regional.getOrDefault(region, admin);
    }

    RegionLag(Admin admin, LongSupplier nanos) {
        this.admin = admin;
        this.nanos = nanos;
    }

    private static Admin createAdmin(KafkaConnection kafka, String clientId) {
        Map<String, Object> props = KafkaClientSettings.admin(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        return Admin.create(props);
    }

    /**
     * The lag of every region. Once there is an answer it is returned at once, and an answer older
     * than {@link #MAX_AGE} starts one refresh for the next callers (so a request never waits on
     * Kafka, also while Kafka is slow or away); only the very first call waits for Kafka, completing
     * on a Kafka client thread.
     */
    public synchronized CompletableFuture<Snapshot> snapshot() {
        boolean stale = last == null || nanos.getAsLong() - last.takenAtNanos() >= MAX_AGE.toNanos();
        if (stale && refreshing == null) {
            CompletableFuture<Snapshot> refresh = read();
            refreshing = refresh;
            refresh.whenComplete((snapshot, failure) -> {
                synchronized (this) {
                    if (snapshot != null) {
                        last = snapshot;
                    }
                    refreshing = null;
                }
            });
        }
        return last != null ? CompletableFuture.completedFuture(last) : refreshing;
    }

    private CompletableFuture<Snapshot> read() {
        Map<Region, CompletableFuture<Long>> perRegion = new EnumMap<>(Region.class);
        for (Region region : Region.values()) {
            KafkaFuture<TopicDescription> topic = adminOf(region).describeTopics(List.of(Topics.region(region)))
                    .topicNameValues().get(Topics.region(region));
            perRegion.put(region, lagOf(region, topic).orTimeout(TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(perRegion.values().toArray(CompletableFuture[]::new)).handle((done, ignored) -> {
            Map<Region, Long> lag = new EnumMap<>(Region.class);
            Map<Region, String> problems = new EnumMap<>(Region.class);
            perRegion.forEach((region, future) -> {
                try {
                    lag.put(region, future.join());
                } catch (CompletionException e) {
                    problems.put(region, describe(e.getCause() == null ? e : e.getCause()));
                }
            });
            return new Snapshot(Map.copyOf(lag), Map.copyOf(problems), nanos.getAsLong());
        });
    }

    private CompletableFuture<Long> lagOf(Region region, KafkaFuture<TopicDescription> topic) {
        CompletableFuture<List<TopicPartition>> partitions = topic.toCompletionStage().toCompletableFuture()
                .thenApply(description -> description.partitions().stream().map(TopicPartitionInfo::partition)
                        .map(partition -> new TopicPartition(description.name(), partition)).toList());
        return partitions.thenCompose(list -> {
            CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends = offsets(region, list, OffsetSpec.latest());
            CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> starts = offsets(region, list, OffsetSpec.earliest());
            CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed = adminOf(region)
                    .listConsumerGroupOffsets(Topics.workerGroup(region)).partitionsToOffsetAndMetadata()
                    .toCompletionStage().toCompletableFuture();
            return CompletableFuture.allOf(ends, starts, committed).thenApply(done -> {
                long lag = 0;
                for (TopicPartition partition : list) {
                    long end = ends.join().get(partition).offset();
                    OffsetAndMetadata commit = committed.join().get(partition);
                    long from = commit != null ? commit.offset() : starts.join().get(partition).offset();
                    lag += Math.max(0, end - from);
                }
                return lag;
            });
        });
    }

    private CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> offsets(Region region,
            List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        return adminOf(region).listOffsets(request).all().toCompletionStage().toCompletableFuture();
    }

    private static String describe(Throwable failure) {
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return "Kafka did not answer within " + TIMEOUT_MS * 2 + " ms";
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        regional.values().forEach(client -> client.close(Duration.ofSeconds(2)));
    }
}
