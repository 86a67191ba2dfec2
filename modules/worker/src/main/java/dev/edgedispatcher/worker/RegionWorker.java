package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.consume.OrderingLanes;
import dev.edgedispatcher.worker.consume.PartitionProgress;
import dev.edgedispatcher.worker.delivery.DeliveryEngine;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import dev.edgedispatcher.worker.results.ResultWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one region's topic (consumer group {@code edge-dispatcher-workers-<region>}, so more
 * processes scale the region) with the plain Kafka consumer on a thread of its own, and hands each
 * job to an event loop. Many jobs per partition are in flight at once, bounded by
 * {@code maxInFlight} with pause/resume; a job's offset counts as done only after its final outcome
 * (or dead letter) is acknowledged, and only contiguous done offsets are committed.
 */
public final class RegionWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegionWorker.class);
    private static final long COMMIT_INTERVAL_MS = 100;

    private record Done(TopicPartition partition, long offset) {
    }

    private final Region region;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Context> contexts;
    private final List<OrderingLanes> lanes;
    private final DeliveryEngine engine;
    private final ResultWriter results;
    private final int maxInFlight;
    private final MeterRegistry metrics;
    private final PartitionProgress progress = new PartitionProgress();
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlightGauge = new AtomicInteger();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public RegionWorker(Region region, String bootstrapServers, List<Context> contexts, DeliveryEngine engine,
            ResultWriter results, int maxInFlight, MeterRegistry metrics) {
        this.region = region;
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.consumer(bootstrapServers,
                "edge-dispatcher-workers-" + region.wireName(), "worker-" + region.wireName()));
        this.contexts = List.copyOf(contexts);
        this.lanes = contexts.stream().map(context -> new OrderingLanes()).toList();
        this.engine = engine;
        this.results = results;
        this.maxInFlight = maxInFlight;
        this.metrics = metrics;
        Gauge.builder("dispatcher_in_flight", inFlightGauge, AtomicInteger::get).tag("region", region.wireName())
                .description("jobs of this region being delivered").register(metrics);
        this.thread = new Thread(this::run, "region-worker-" + region.wireName());
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(Set.of(Topics.region(region)), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainDone();
                    commitSync(progress.committable());
                    progress.revoke(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions),
                            Duration.ofSeconds(10));
                    partitions.forEach(partition -> progress.assigned(partition, committed.get(partition)));
                    LOG.info("region {}: assigned {} partitions", region.wireName(), partitions.size());
                }
            });
            Set<TopicPartition> paused = new HashSet<>();
            while (running) {
                try {
                    pollOnce(paused);
                } catch (RuntimeException e) {
                    // Keep the region alive through what Kafka may throw (timeouts, a broker going
                    // away); in-flight jobs are unaffected. Loud, and at most once a second.
                    LOG.error("region {}: consumer loop failed, retrying in 1 s", region.wireName(), e);
                    sleepQuietly(1000);
                }
            }
            drainUntilIdle(Duration.ofSeconds(10));
            commitSync(progress.committable());
        } catch (RuntimeException e) {
            LOG.error("region {} worker stopped", region.wireName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    private long lastCommit;

    /** One turn of the consumer loop: completions in, commits out, back-pressure, new records. */
    private void pollOnce(Set<TopicPartition> paused) {
        drainDone();
        long now = System.currentTimeMillis();
        if (now - lastCommit >= COMMIT_INTERVAL_MS) {
            commitAsync(progress.committable());
            lastCommit = now;
        }
        if (progress.inFlight() >= maxInFlight && paused.isEmpty()) {
            paused.addAll(consumer.assignment());
            consumer.pause(paused);
        } else if (progress.inFlight() < maxInFlight * 3 / 4 && !paused.isEmpty()) {
            consumer.resume(paused);
            paused.clear();
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(10))) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            progress.started(partition, record.offset());
            if (progress.alreadyDone(partition, record.offset())) {
                // A previous owner wrote its final outcome but could not commit past it.
                progress.completed(partition, record.offset());
                continue;
            }
            inFlightGauge.incrementAndGet();
            dispatch(partition, record);
        }
        updateLag();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        JobRecord job;
        try {
            job = RecordJson.read(record.value(), JobRecord.class);
        } catch (Exception e) {
            results.writeDeadLetter(record.key(), DeadLetter.of("unreadable job record", "body", e.getMessage(),
                    record.topic(), record.partition(), record.offset(), record.value()))
                    .whenComplete((ok, error) -> markDone(partition, record.offset()));
            return;
        }
        int lane = Math.floorMod((job.orderingKey() != null ? job.orderingKey() : job.id()).hashCode(), contexts.size());
        Context context = contexts.get(lane);
        context.runOnContext(start -> lanes.get(lane).submit(job.orderingKey(),
                laneDone -> deliver(job, partition, record.offset(), () -> context.runOnContext(next -> laneDone.run()))));
    }

    /** Delivers on the lane's event loop; the offset is done once the final outcome is acknowledged. */
    private void deliver(JobRecord job, TopicPartition partition, long offset, Runnable laneDone) {
        results.writeProgress(ResultEvent.started(job.id(), region.wireName()));
        engine.deliver(job).onComplete(delivered -> {
            DeliveryOutcome outcome = delivered.succeeded() ? delivered.result()
                    : new DeliveryOutcome(false, Optional.empty(), List.of(), "internal error: " + delivered.cause());
            deliveries.computeIfAbsent(outcome.state(), state -> Counter.builder("dispatcher_deliveries")
                    .tag("region", region.wireName()).tag("outcome", state).register(metrics)).increment();
            // One line per delivery: failures at INFO, successes at DEBUG (there are many).
            (outcome.delivered() ? LOG.atDebug() : LOG.atInfo())
                    .addKeyValue("job_id", job.id()).addKeyValue("region", region.wireName())
                    .addKeyValue("state", outcome.state()).addKeyValue("delivered_by", outcome.deliveredBy().orElse(null))
                    .addKeyValue("classes", String.join(",", outcome.classesSeen()))
                    .log("delivery {}: {}", outcome.state(), outcome.reason());
            results.writeFinal(ResultEvent.finalOutcome(job.id(), region.wireName(), outcome.state(),
                            outcome.deliveredBy().orElse(null), outcome.classesSeen(), outcome.reason()))
                    .whenComplete((ok, error) -> {
                        markDone(partition, offset);
                        laneDone.run();
                    });
        });
    }

    private void markDone(TopicPartition partition, long offset) {
        done.add(new Done(partition, offset));
        inFlightGauge.decrementAndGet();
    }

    private void drainDone() {
        for (Done item = done.poll(); item != null; item = done.poll()) {
            progress.completed(item.partition(), item.offset());
        }
    }

    private void drainUntilIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (progress.inFlight() > 0 && System.nanoTime() < deadline) {
            drainDone();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        drainDone();
    }

    private void updateLag() {
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong current = consumer.currentLag(partition);
            if (current.isPresent()) {
                if (lag.put(partition, current.getAsLong()) == null) {
                    Gauge.builder("dispatcher_partition_lag", lag, map -> map.getOrDefault(partition, 0L))
                            .tag("region", region.wireName()).tag("partition", String.valueOf(partition.partition()))
                            .register(metrics);
                }
            }
        }
    }

    private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.warn("region {}: offset commit failed (will be retried with later offsets): {}", region.wireName(),
                            error.getMessage());
                }
            });
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("region {}: final offset commit failed: {}", region.wireName(), e.getMessage());
            }
        }
    }

    /** Stops reading, lets in-flight jobs finish (up to 10 s) and commits. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        stopped.await(30, TimeUnit.SECONDS);
    }
}
