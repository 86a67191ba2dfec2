package dev.edgedispatcher.scheduler.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.JobPublisher;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.edgedispatcher.backbone.health.LoopHealth;
import dev.edgedispatcher.backbone.loop.Backoff;
import dev.edgedispatcher.backbone.loop.KafkaLoop;
import dev.edgedispatcher.backbone.loop.KafkaLoopRunner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs that producers publish straight to {@code webhooks.jobs}: the same validation and accept as
 * the HTTP API. An invalid record goes to {@code webhooks.dlq} with the reason and its original
 * bytes; nothing stalls the partition. Offsets are committed only after every record of a poll is
 * either acknowledged on its region topic or on the DLQ; if Kafka refuses, the same records are
 * read again (a job without an id gets one derived from its position, so a retry is idempotent).
 * The loop never ends before {@link #close()}: failures are logged, reported on {@link #health()}
 * and retried with a backoff.
 */
public final class KafkaIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIntake.class);
    public static final String GROUP_ID = "edge-dispatcher-intake";
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaConnection kafka;
    private final JobValidator validator;
    private final JobAcceptor acceptor;
    private final JobPublisher publisher;
    private final KafkaLoopRunner runner;
    private final LoopHealth health = new LoopHealth("intake", 60_000);
    private final CountDownLatch connected = new CountDownLatch(1);

    public KafkaIntake(KafkaConnection kafka, JobValidator validator, JobAcceptor acceptor, JobPublisher publisher) {
        this.kafka = kafka;
        Map<String, Object> props = KafkaClientSettings.consumer(kafka, GROUP_ID, "scheduler-intake");
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(props);
        this.validator = validator;
        this.acceptor = acceptor;
        this.publisher = publisher;
        this.runner = new KafkaLoopRunner("kafka-intake", LOG, health, new Backoff(LOG, "Kafka intake"),
                kafka::accessDenied, new Loop());
    }

    public void start() {
        runner.start();
    }

    /** Liveness and readiness of the intake loop, for {@code /health/*}. */
    public LoopHealth health() {
        return health;
    }

    /** Waits until the loop has reached Kafka once; false when it has not within {@code timeout}. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The intake's steps, run by {@link KafkaLoopRunner}: subscribe, then probe, poll and hand over. */
    private final class Loop implements KafkaLoop {
        private long nextProbe = System.nanoTime();

        @Override
        public void open() {
            consumer.subscribe(Set.of(Topics.JOBS));
        }

        @Override
        public void turn() throws InterruptedException {
            if (System.nanoTime() - nextProbe >= 0) {
                probe();
                nextProbe = System.nanoTime() + PROBE_EVERY_NANOS;
            }
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                handOver(records);
            }
        }

        @Override
        public String doing() {
            return "reading " + Topics.JOBS + " as group " + GROUP_ID;
        }

        @Override
        public void wakeup() {
            consumer.wakeup();
        }

        @Override
        public void close() {
            try {
                consumer.commitSync(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("final intake commit failed: {}", e.getMessage());
            }
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("closing the intake consumer: {}", e.toString());
            }
        }
    }

    /**
     * A poll does not fail while Kafka is away; asking the leaders for end offsets does, so the loop
     * (and its health) learns it within {@link #PROBE_TIMEOUT}.
     */
    private void probe() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(Topics.JOBS, PROBE_TIMEOUT)) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        consumer.endOffsets(partitions, PROBE_TIMEOUT);
        health.kafkaOk();
        connected.countDown();
    }

    /**
     * Hands every record of a poll to Kafka (region topic or DLQ) and commits after all were
     * acknowledged. If any was not, or anything else fails, the consumer goes back to the first
     * record of the poll: they are read again (ids derived from positions keep that idempotent).
     */
    private void handOver(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            first.putIfAbsent(partition, record.offset());
            next.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
        try {
            List<CompletableFuture<?>> acks = new ArrayList<>(records.count());
            for (ConsumerRecord<String, byte[]> record : records) {
                acks.add(processSafely(record));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            var denied = KafkaAccessDenied.of(e, "writing jobs to their region topics or the DLQ");
            if (denied.isPresent()) {
                first.forEach(consumer::seek);
                throw denied.get(); // the loop stops without committing
            }
            String problem = Backoff.describe(e);
            health.kafkaFailing("could not hand records to Kafka: " + problem);
            LOG.error("intake could not hand {} records to Kafka ({}); reading them again in 1 s", records.count(), problem);
            first.forEach(consumer::seek);
            Thread.sleep(1000);
            return;
        }
        health.kafkaOk();
        consumer.commitAsync(next, (offsets, error) -> {
            if (error != null) {
                LOG.warn("intake offset commit failed (records may be read again, idempotently): {}", error.getMessage());
            }
        });
    }

    /** Never throws: a record that breaks validation or accepting goes to the DLQ like an invalid one. */
    private CompletableFuture<?> processSafely(ConsumerRecord<String, byte[]> record) {
        try {
            return process(record);
        } catch (RuntimeException e) {
            LOG.error("intake record {}-{}@{} could not be processed: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
            return deadLetter(record, "internal", null, "the scheduler could not process the record: " + e);
        }
    }

    private CompletableFuture<?> process(ConsumerRecord<String, byte[]> record) {
        JsonNode json;
        try {
            json = RecordJson.MAPPER.readTree(record.value());
        } catch (Exception e) {
            return deadLetter(record, "malformed_json", "body", "the record value is not valid JSON: " + e.getMessage());
        }
        String positionId = UUID.nameUUIDFromBytes((record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8)).toString();
        ParseResult<ValidatedJob> validated = validator.validate(json, () -> positionId);
        if (validated instanceof ParseResult.Rejected<ValidatedJob> rejected) {
            return deadLetter(record, "invalid_field", rejected.error().field(),
                    rejected.error().detail());
        }
        return acceptor.accept(validated.orElseThrow());
    }

    private CompletableFuture<?> deadLetter(ConsumerRecord<String, byte[]> record, String reason, String field, String detail) {
        LOG.info("intake record {}-{}@{} to the DLQ: {}", record.topic(), record.partition(), record.offset(), detail);
        return publisher.publishDeadLetter(record.key(), DeadLetter.of(reason, field, detail, record.topic(),
                record.partition(), record.offset(), record.value()));
    }

    @Override
    public void close() throws InterruptedException {
        runner.close();
    }
}
