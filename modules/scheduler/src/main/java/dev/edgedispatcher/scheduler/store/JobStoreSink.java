package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.health.ComponentStatus;
import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.backbone.health.LoopHealth;
import dev.edgedispatcher.backbone.loop.Backoff;
import dev.edgedispatcher.backbone.loop.KafkaLoop;
import dev.edgedispatcher.backbone.loop.KafkaLoopRunner;

import dev.edgedispatcher.store.AcceptedJob;
import dev.edgedispatcher.store.JobStore;
import dev.edgedispatcher.store.RecordedResult;
import dev.edgedispatcher.store.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the topics into the job store: every scheduler replica runs one, all in one consumer group
 * (named after the store, see {@link #GROUP_PREFIX}), so each region and results partition is written by one replica at a time. A
 * batch is written in one transaction and its offsets are committed only after it commits: a crash
 * re-reads at most the batch in progress, which the store applies idempotently. While the store is
 * away the sink stops where it is (nothing committed) and retries; when it returns, it catches up
 * from Kafka, losing nothing. On first start the group has no offsets and reads the topics from
 * their beginning: the backfill of what Kafka still holds.
 */
public final class JobStoreSink implements AutoCloseable {

    /**
     * The prefix of the sink's consumer group; the group is {@code <prefix>-<first 8 characters of the
     * store's identity>}: one group for all replicas of one store (ACLs grant the prefix).
     */
    public static final String GROUP_PREFIX = "edge-dispatcher-scheduler-store";
    private static final Logger LOG = LoggerFactory.getLogger(JobStoreSink.class);
    /** How often the sink tells the store up to when it has read (claim recovery reads it). */
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Read-back margin: a partition is known read up to this long before the poll that found it caught up. */
    private static final Duration PROGRESS_MARGIN = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaConnection kafka;
    private final JobStore store;
    private final KafkaLoopRunner runner;
    private final LoopHealth health;
    private final List<String> topics;
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Counter batches;
    private final Counter skipped;
    private final Timer writing;
    private final Timer committing;
    private volatile String storeProblem;
    private long nextProgress;
    private final java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    private long nextProbe;
    private static final long PROBE_EVERY_MS = 2_000;
    /** Records per poll, so per store transaction, unless the Kafka client file sets max.poll.records. */
    static final int MAX_BATCH_RECORDS = 5_000;
    /** How much the broker gathers for the sink before answering its fetch, unless it waited {@link #FETCH_MAX_WAIT_MS}. */
    static final int FETCH_MIN_BYTES = 256 * 1024;
    static final int FETCH_MAX_WAIT_MS = 200;

    /** The sink of one cluster holding everything (no topology): the region topics and the results. */
    public JobStoreSink(KafkaConnection kafka, JobStore store, MeterRegistry metrics, String clientId) {
        this(kafka, "home", allTopics(), store, metrics, clientId);
    }

    private static List<String> allTopics() {
        List<String> topics = new ArrayList<>(Topics.allRegionTopics());
        topics.add(Topics.RESULTS);
        return topics;
    }

    /**
     * The sink of cluster {@code cluster} ({@code home} or a region's own), reading {@code topics}
     * there: the region topics that live on it and its results topic. Its health component is
     * {@code store-sink} for home, {@code store-sink-<region>} for a region's cluster.
     */
    public JobStoreSink(KafkaConnection kafka, String cluster, List<String> topics, JobStore store, MeterRegistry metrics,
            String clientId) {
        this.kafka = kafka;
        this.topics = List.copyOf(topics);
        this.health = new LoopHealth(cluster.equals("home") ? "store-sink" : "store-sink-" + cluster, 60_000);
        this.store = store;
        Map<String, Object> settings = new HashMap<>(KafkaClientSettings.consumer(kafka, group(store), clientId));
        // Larger batches than the consumers' default: the store's cost per batch (a transaction, its
        // commit, the offsets' commit) is shared by more records, and a job's record and its results
        // meet in one batch more often (one row write instead of two). The client file may say otherwise.
        if (!kafka.clientProperties().containsKey(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)) {
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_BATCH_RECORDS);
        }
        // Under a steady trickle (hundreds of jobs a second) the broker holds the sink's fetch until
        // {@value #FETCH_MIN_BYTES} bytes or {@value #FETCH_MAX_WAIT_MS} ms: a few batches a second
        // instead of one per record or two, each with its transaction and offset commit, and a job's
        // record and its results in the same batch. Statuses become visible up to that much later;
        // claim recovery's read-back margin (PROGRESS_MARGIN) is five times that.
        if (!kafka.clientProperties().containsKey(ConsumerConfig.FETCH_MIN_BYTES_CONFIG)) {
            settings.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
        }
        if (!kafka.clientProperties().containsKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)) {
            settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        }
        this.consumer = new KafkaConsumer<>(settings);
        // nanoTime may be negative: the first probe and progress are due now, not at an origin of 0.
        this.nextProbe = System.nanoTime();
        this.nextProgress = System.nanoTime();
        this.runner = new KafkaLoopRunner(cluster.equals("home") ? "job-store-sink" : "job-store-sink-" + cluster, LOG, health,
                new Backoff(LOG, "job store sink (" + cluster + ")"),
                kafka::accessDenied, new Loop());
        this.batches = Counter.builder("dispatcher_store_sink_batches").description("batches the sink wrote to the job store")
                .register(metrics);
        this.skipped = Counter.builder("dispatcher_store_sink_skipped_records")
                .description("records the sink could not read (logged, left out)").register(metrics);
        this.writing = stepTimer(metrics, "write");
        this.committing = stepTimer(metrics, "commit");
    }

    private static Timer stepTimer(MeterRegistry metrics, String step) {
        return Timer.builder("dispatcher_store_sink_step_seconds").tag("step", step)
                .description("time the sink spent per batch on a step: reading its records and writing them to the store"
                        + " (write), committing its offsets to Kafka (commit)").register(metrics);
    }

    /** The consumer group of {@code store}'s sink. */
    public static String group(JobStore store) {
        return GROUP_PREFIX + "-" + store.identity().substring(0, 8);
    }

    public JobStoreSink start() {
        runner.start();
        return this;
    }

    /**
     * The {@code store-sink} component: live while its loop makes progress; when it cannot read or
     * write it is degraded, not down (the replica still accepts and serves; only history lags).
     */
    public HealthComponent health() {
        return new HealthComponent() {
            @Override
            public String name() {
                return health.name();
            }

            @Override
            public ComponentStatus liveness() {
                return health.liveness();
            }

            @Override
            public ComponentStatus readiness() {
                ComponentStatus status = health.readiness();
                return status.up() ? status : ComponentStatus.degraded(status.detail());
            }
        };
    }

    /** Waits until the sink has reached Kafka once; false when it has not within {@code timeout}. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records not yet in the store, over this replica's partitions. */
    public long lag() {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Why the last write failed while it is failing, null while writes work. */
    public String storeProblem() {
        return storeProblem;
    }

    /** The sink's steps, run by {@link KafkaLoopRunner}: subscribe, then poll, write, commit. */
    private final class Loop implements KafkaLoop {

        @Override
        public void open() {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(lag::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
        }

        @Override
        public void turn() {
            Instant pollStarted = Instant.now();
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
            probeKafka();
            if (!records.isEmpty()) {
                writing.record(() -> write(records));
                committing.record(() -> consumer.commitSync(offsetsAfter(records), Duration.ofSeconds(5)));
                batches.increment();
            }
            storeProblem = null;
            updateLag();
            recordProgress(pollStarted);
        }

        @Override
        public String failed(RuntimeException error) {
            // Nothing was committed: back to the last commit, to write the same records again.
            rewind();
            if (error instanceof StoreUnavailableException) {
                storeProblem = error.getMessage();
                return null; // the store's, not Kafka's: StoreHealth and this sink's health say so
            }
            return Backoff.describe(error);
        }

        @Override
        public String doing() {
            return "reading the region and results topics (job store sink)";
        }

        @Override
        public void wakeup() {
            consumer.wakeup();
        }

        @Override
        public void close() {
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("closing the job store sink's consumer: {}", e.toString());
            }
        }
    }

    /**
     * A poll does not fail while Kafka is away; asking for end offsets (or metadata, before any
     * partition is assigned) does, every {@value #PROBE_EVERY_MS} ms, so health tells the truth.
     */
    private void probeKafka() {
        long now = System.nanoTime();
        if (now - nextProbe < 0) {
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            consumer.partitionsFor(Topics.RESULTS, Duration.ofSeconds(2));
        } else {
            consumer.endOffsets(assigned, Duration.ofSeconds(2));
        }
        health.kafkaOk();
        connected.countDown();
        nextProbe = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_EVERY_MS);
    }

    private void write(ConsumerRecords<String, byte[]> records) {
        List<AcceptedJob> jobs = new ArrayList<>();
        List<RecordedResult> results = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (record.topic().equals(Topics.RESULTS)) {
                    ResultEvent event = RecordJson.read(record.value(), ResultEvent.class);
                    if (event.id() != null) {
                        results.add(new RecordedResult(event, record.partition(), record.offset(), record.timestamp()));
                    }
                } else {
                    jobs.add(AcceptedJob.read(record.value(), record.topic(), record.partition(), record.offset()));
                }
            } catch (IOException | RuntimeException e) {
                // A poison record: the worker dead-letters it and writes its failed outcome; here it has no job to store.
                skipped.increment();
                LOG.warn("job store sink: skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        store.write(jobs, results);
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsetsAfter(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> of = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** Back to the committed offsets (the start of the batch that failed), or the beginning when none. */
    private void rewind() {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, Duration.ofSeconds(5));
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata at = committed.get(partition);
                if (at == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, at.offset());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("job store sink: could not rewind yet ({}); the next turn tries again", e.toString());
        }
    }

    private void updateLag() {
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong behind = consumer.currentLag(partition);
            if (behind.isPresent()) {
                lag.put(partition, behind.getAsLong());
            }
        }
    }

    /**
     * Tells the store, once a second, which region partitions are read to their end: a claim older
     * than that whose record is not in the store never reached Kafka (see docs/job-store.md).
     */
    private void recordProgress(Instant pollStarted) {
        long now = System.nanoTime();
        if (now - nextProgress < 0) {
            return;
        }
        nextProgress = now + PROGRESS_EVERY_NANOS;
        Map<String, List<Integer>> caughtUp = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            if (partition.topic().equals(Topics.RESULTS)) {
                continue;
            }
            OptionalLong behind = consumer.currentLag(partition);
            if (behind.isPresent() && behind.getAsLong() == 0) {
                caughtUp.computeIfAbsent(partition.topic(), t -> new ArrayList<>()).add(partition.partition());
            }
        }
        Instant upTo = pollStarted.minus(PROGRESS_MARGIN);
        caughtUp.forEach((topic, partitions) -> store.recordProgress(topic, partitions, upTo));
        // Results written by one replica while another wrote their job: folded here, within a second.
        store.sweepOrphans();
    }

    @Override
    public void close() throws InterruptedException {
        runner.close();
    }
}
