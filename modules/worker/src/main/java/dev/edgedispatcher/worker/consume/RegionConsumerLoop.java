package dev.edgedispatcher.worker.consume;

import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.health.LoopHealth;
import dev.edgedispatcher.backbone.loop.Backoff;
import dev.edgedispatcher.backbone.loop.KafkaLoop;
import dev.edgedispatcher.backbone.loop.KafkaLoopRunner;
import dev.edgedispatcher.callback.Region;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of one region's topic (consumer group {@code edge-dispatcher-workers-<region>}) on a
 * thread of its own: records go to a {@link RecordDispatcher}; finished offsets come back through
 * {@link FinishedOffsets} and are committed (contiguous ones, the rest in the metadata) every
 * {@value #COMMIT_INTERVAL_MS} ms. Partitions pause while the region holds {@code maxInFlight}
 * unfinished records, or while a partition's window would overflow its commit metadata; a window
 * half that wide has the jobs waiting at its bottom parked ({@link RecordDispatcher#park}), so one
 * slow destination's jobs do not stop the partition. Run by
 * kafka-backbone's {@link KafkaLoopRunner}: a failing turn is logged and retried with backoff (100 ms
 * doubling to 5 s); the loop reports each turn to its {@link LoopHealth}.
 */
public final class RegionConsumerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegionConsumerLoop.class);
    static final long COMMIT_INTERVAL_MS = 100;
    /** A turn's poll while the region has nothing in flight or waiting. */
    static final long IDLE_POLL_MS = 200;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How long a revocation waits for the revoked partitions' running deliveries (as a stop does). */
    static final Duration REVOKE_DRAIN = Duration.ofSeconds(10);
    private volatile boolean closing;
    /** How often crowded partitions are looked at for jobs to park. */
    static final long PARK_CHECK_MS = 1000;
    /** The most jobs of one partition parked at one check. */
    static final int PARK_BATCH = 1000;

    private final Region region;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordDispatcher dispatcher;
    private final FinishedOffsets finished;
    private final int maxInFlight;
    private final MeterRegistry metrics;
    private final LoopHealth health;
    private final String groupId;
    private final java.util.function.Consumer<KafkaAccessDenied> onAccessDenied;
    private final PartitionProgress progress;
    private final int parkAfter;
    private long lastParkCheck;
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final KafkaLoopRunner runner;
    private volatile int inFlight;
    private volatile int waiting;
    private long lastHealthCheck;
    private long lastCommit;
    private boolean heldBack;
    private long lastCommitWarning = System.nanoTime() - 20_000_000_000L;
    private int commitFailures;

    public RegionConsumerLoop(Region region, KafkaConsumer<String, byte[]> consumer, RecordDispatcher dispatcher,
            FinishedOffsets finished, int maxInFlight, MeterRegistry metrics) {
        this(region, consumer, dispatcher, finished, maxInFlight, PartitionProgress.WINDOW_LIMIT, metrics,
                KafkaAccessDenied::logOnce);
    }

    /**
     * {@code commitWindow}: records a partition may be read past its lowest unfinished job (half of
     * it parks waiting jobs, all of it pauses). {@code onAccessDenied} learns that Kafka refused the
     * loop for good (credentials, ACLs); the loop has stopped.
     */
    public RegionConsumerLoop(Region region, KafkaConsumer<String, byte[]> consumer, RecordDispatcher dispatcher,
            FinishedOffsets finished, int maxInFlight, int commitWindow, MeterRegistry metrics,
            java.util.function.Consumer<KafkaAccessDenied> onAccessDenied) {
        this.progress = new PartitionProgress(commitWindow);
        this.parkAfter = commitWindow / 2;
        this.onAccessDenied = onAccessDenied;
        this.region = region;
        this.consumer = consumer;
        this.dispatcher = dispatcher;
        this.finished = finished;
        this.maxInFlight = maxInFlight;
        this.metrics = metrics;
        this.groupId = consumer.groupMetadata().groupId();
        // Longest a healthy turn can take: a commitSync or committed() call on rebalance, plus margin.
        this.health = new LoopHealth("consumer-" + region.wireName(), 60_000);
        Gauge.builder("dispatcher_in_flight", () -> inFlight).tag("region", region.wireName())
                .description("jobs of this region read and not finished (delivering, or waiting to start)").register(metrics);
        Gauge.builder("dispatcher_waiting_to_start", () -> waiting).tag("region", region.wireName())
                .description("jobs of this region read but not started (behind their ordering key, destination or a slot)")
                .register(metrics);
        this.runner = new KafkaLoopRunner("region-worker-" + region.wireName(), LOG, health,
                new Backoff(LOG, "region " + region.wireName() + " consumer loop", Backoff.DEFAULT_FIRST, MAX_BACKOFF),
                onAccessDenied, new Loop());
    }

    public void start() {
        runner.start();
    }

    public LoopHealth health() {
        return health;
    }

    /** The region loop's steps, run by {@link KafkaLoopRunner}. */
    private final class Loop implements KafkaLoop {

        @Override
        public void open() {
            consumer.subscribe(Set.of(Topics.region(region)), new Rebalance());
        }

        @Override
        public void turn() {
            RegionConsumerLoop.this.turn();
            reportKafkaHealth();
        }

        @Override
        public String doing() {
            return "reading " + Topics.region(region) + " as group " + groupId;
        }

        @Override
        public void wakeup() {
            // Nothing to wake: a turn polls for 10 ms (200 ms when the region is idle). A wakeup would
            // instead make the final commit throw.
        }

        /** In-flight jobs finish (up to 10 s), their offsets are committed, the consumer closes. */
        @Override
        public void close() {
            try {
                closing = true; // the drain is this one: the revocation in consumer.close() does not wait again
                drainUntilIdle(Duration.ofSeconds(10));
                commitSync(progress.committable());
            } finally {
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.warn("region {}: consumer did not close cleanly: {}", region.wireName(), e.toString());
                }
            }
        }
    }

    /**
     * A poll does not fail when the brokers are gone, it just returns nothing: readiness comes from
     * the group coordinator's heartbeats instead (none for a session timeout means not connected).
     */
    private void reportKafkaHealth() {
        long now = System.nanoTime();
        if (now - lastHealthCheck < 200_000_000L) {
            health.beat();
            return;
        }
        lastHealthCheck = now;
        double silentSeconds = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> metric : consumer.metrics().entrySet()) {
            if (metric.getKey().name().equals("last-heartbeat-seconds-ago")
                    && metric.getKey().group().equals("consumer-coordinator-metrics")) {
                Object value = metric.getValue().metricValue();
                silentSeconds = value instanceof Number number ? number.doubleValue() : Double.NaN;
            }
        }
        if (consumer.assignment().isEmpty() && (Double.isNaN(silentSeconds) || silentSeconds < 0)) {
            health.kafkaFailing("not yet a member of group " + groupId + " with partitions");
        } else if (!Double.isNaN(silentSeconds) && silentSeconds * 1000 > KafkaClientSettings.SESSION_TIMEOUT_MS) {
            health.kafkaFailing("no heartbeat to the group coordinator for " + (long) silentSeconds + " s");
        } else {
            health.kafkaOk();
        }
    }

    /** One turn: completions in, waiting jobs started, commits out, back-pressure, new records. */
    private void turn() {
        finished.drainTo(progress::completed);
        dispatcher.turn();
        long now = System.currentTimeMillis();
        if (now - lastCommit >= COMMIT_INTERVAL_MS) {
            commitAsync(progress.committable());
            lastCommit = now;
        }
        if (now - lastParkCheck >= PARK_CHECK_MS) {
            lastParkCheck = now;
            Map<TopicPartition, java.util.List<Long>> crowded = progress.crowded(parkAfter, PARK_BATCH);
            if (!crowded.isEmpty()) {
                dispatcher.park(crowded);
            }
        }
        applyBackPressure();
        // 10 ms while jobs run or wait (their ends and free places are handled between polls); idle,
        // nothing can end or free a place, and a poll returns as soon as a record arrives: a long
        // poll keeps an idle region's thread (five of them in `up`) from turning 100 times a second.
        boolean idle = inFlight == 0 && waiting == 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(idle ? IDLE_POLL_MS : 10))) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            progress.started(partition, record.offset());
            if (progress.alreadyDone(partition, record.offset())) {
                // A previous owner wrote its final outcome but could not commit past it.
                progress.completed(partition, record.offset());
                continue;
            }
            try {
                dispatcher.dispatch(record);
            } catch (RuntimeException e) {
                // A dispatcher bug must not stop the region; the record is read again after a restart.
                LOG.error("region {}: dispatching {}-{}@{} threw; it stays uncommitted", region.wireName(),
                        record.topic(), record.partition(), record.offset(), e);
            }
        }
        inFlight = progress.inFlight();
        waiting = dispatcher.waiting();
        updateLag();
    }

    /** Pauses everything above maxInFlight (until below 3/4 of it), and partitions whose commit metadata would overflow. */
    private void applyBackPressure() {
        if (progress.inFlight() >= maxInFlight) {
            heldBack = true;
        } else if (progress.inFlight() < maxInFlight * 3 / 4) {
            heldBack = false;
        }
        Set<TopicPartition> shouldPause = new HashSet<>(heldBack ? consumer.assignment() : progress.withoutRoom());
        shouldPause.retainAll(consumer.assignment());
        if (!shouldPause.equals(paused)) {
            Set<TopicPartition> resume = new HashSet<>(paused);
            resume.removeAll(shouldPause);
            resume.retainAll(consumer.assignment());
            consumer.resume(resume);
            consumer.pause(shouldPause);
            paused.clear();
            paused.addAll(shouldPause);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        /**
         * Before the partitions' offsets are given up: jobs of theirs not started are dropped (the
         * next owner reads them), deliveries already running finish (up to {@link #REVOKE_DRAIN}),
         * and what finished is committed. The next owner then starts after the last committed job
         * instead of delivering the running ones a second time. Under the cooperative assignor only
         * the partitions that move are revoked; the others keep flowing meanwhile on other members.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            dispatcher.revoked(partitions);
            long deadline = System.nanoTime() + (closing ? 0 : REVOKE_DRAIN.toNanos());
            while (dispatcher.running(partitions) > 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            dispatcher.revoked(partitions); // again: a parking that failed meanwhile must not come back
            int cutOff = dispatcher.running(partitions);
            if (cutOff > 0 && !closing) {
                LOG.warn("region {}: {} deliveries of revoked partitions still running after {} s; their next owner"
                        + " delivers them again (same webhook-id)", region.wireName(), cutOff, REVOKE_DRAIN.toSeconds());
            }
            finished.drainTo(progress::completed);
            commitSync(progress.committable());
            progress.revoke(partitions);
            paused.removeAll(partitions);
            partitions.forEach(lag::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            progress.revoke(partitions);
            dispatcher.revoked(partitions);
            paused.removeAll(partitions);
            partitions.forEach(lag::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions),
                    Duration.ofSeconds(10));
            partitions.forEach(partition -> progress.assigned(partition, committed.get(partition)));
            LOG.info("region {}: assigned {} partitions", region.wireName(), partitions.size());
        }
    }

    /**
     * Lets the deliveries already started finish, starting no new ones (jobs still waiting stay
     * uncommitted, for the next owner): starting them now would only cut them off at the deadline
     * and deliver them twice.
     */
    private void drainUntilIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        finished.drainTo(progress::completed);
        while (progress.inFlight() > dispatcher.waiting() && System.nanoTime() < deadline) {
            sleep(10);
            finished.drainTo(progress::completed);
        }
    }

    private void updateLag() {
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong current = consumer.currentLag(partition);
            if (current.isPresent() && lag.put(partition, current.getAsLong()) == null) {
                Gauge.builder("dispatcher_partition_lag", lag, map -> map.getOrDefault(partition, 0L))
                        .description("records of the region topic's partition not yet read by this worker")
                        .tag("region", region.wireName()).tag("partition", String.valueOf(partition.partition()))
                        .register(metrics);
            }
        }
    }

    private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                // Runs on this thread, inside a later poll.
                if (error != null) {
                    progress.commitFailed(offsets.keySet());
                    commitFailures++;
                    long now = System.nanoTime();
                    if (now - lastCommitWarning > 10_000_000_000L) {
                        // At most one line per 10 s: during an outage this fails every turn.
                        LOG.warn("region {}: offset commit failed {} times since the last report, retrying every turn: {}",
                                region.wireName(), commitFailures, error.getMessage());
                        lastCommitWarning = now;
                        commitFailures = 0;
                    }
                }
            });
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                progress.commitFailed(offsets.keySet());
                LOG.warn("region {}: offset commit failed: {}", region.wireName(), e.getMessage());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops reading, lets in-flight jobs finish (up to 10 s) and commits. */
    @Override
    public void close() throws InterruptedException {
        runner.stop(Duration.ofSeconds(30));
    }
}
