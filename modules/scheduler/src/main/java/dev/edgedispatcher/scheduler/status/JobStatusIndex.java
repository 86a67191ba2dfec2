package dev.edgedispatcher.scheduler.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status of every job, built from the Kafka topics alone (no database): the region topics say
 * a job was accepted (and with which region, resolution and policy), {@code webhooks.results} says
 * what happened to it. On start it reads both from the beginning, so a restarted scheduler has every
 * status back, and accepted ids stay known for idempotency.
 */
public final class JobStatusIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobStatusIndex.class);

    private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
    /** Ids this process is publishing right now: their records need no parsing when read back. */
    private final Set<String> publishing = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    public JobStatusIndex(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.consumer(bootstrapServers, null, "scheduler-status-index"));
        this.thread = new Thread(this::run, "job-status-index");
        this.thread.setDaemon(true);
    }

    /** Starts reading, and returns once everything present at start has been read. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        thread.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the job status index did not catch up with Kafka within " + timeout);
        }
    }

    /** This process is about to publish {@code id}; call {@link #recordAccepted} or {@link #notPublished} next. */
    public void publishing(String id) {
        publishing.add(id);
    }

    /** The publish of {@code id} failed: a record read back for it is parsed as usual. */
    public void notPublished(String id) {
        publishing.remove(id);
    }

    /** Records an accept made by this process, so status and idempotency do not wait for the topic. */
    public void recordAccepted(JobRecord job) {
        jobs.computeIfAbsent(job.id(), JobStatus::new).accepted(job);
        publishing.remove(job.id());
    }

    /** The accept document of a job already accepted, for idempotent repeats. */
    public Optional<ObjectNode> acceptDocument(String id) {
        JobStatus status = jobs.get(id);
        return status != null && status.isAccepted() ? Optional.of(status.acceptDocument()) : Optional.empty();
    }

    public Optional<ObjectNode> statusDocument(String id) {
        JobStatus status = jobs.get(id);
        return status == null ? Optional.empty() : Optional.of(status.statusDocument());
    }

    public int size() {
        return jobs.size();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> topics = new ArrayList<>(Topics.allRegionTopics());
            topics.add(Topics.RESULTS);
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            boolean signalled = false;
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (!signalled && endAtStart.entrySet().stream()
                        .allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    signalled = true;
                    LOG.info("job status index caught up: {} jobs", jobs.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("job status index stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(Topics.RESULTS)) {
                ResultEvent event = RecordJson.read(record.value(), ResultEvent.class);
                if (event.id() != null) {
                    jobs.computeIfAbsent(event.id(), JobStatus::new).apply(event);
                }
            } else {
                // The record often arrives here before the producer's acknowledgement reaches the
                // acceptor: ids being published by this process are not parsed again.
                Header header = record.headers().lastHeader(Topics.JOB_ID_HEADER);
                String id = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
                JobStatus known = id == null ? null : jobs.get(id);
                if ((known == null || !known.isAccepted()) && (id == null || !publishing.contains(id))) {
                    recordAccepted(RecordJson.read(record.value(), JobRecord.class));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
