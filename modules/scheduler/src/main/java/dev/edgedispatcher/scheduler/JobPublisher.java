package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.AckedProducer;
import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.health.ProducerHealth;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes jobs to their region topic (with the job id in a header) and dead letters to the DLQ.
 * A future completes only when Kafka has acknowledged the record, and fails (within
 * {@link KafkaClientSettings#DELIVERY_TIMEOUT_MS} plus {@link KafkaClientSettings#MAX_BLOCK_MS})
 * when it cannot: no caller is ever told a record is safe when it is not.
 */
public final class JobPublisher implements AutoCloseable {

    /** A caller learns the outcome within delivery timeout plus metadata wait, however many send at once. */
    private static final Duration HAND_OVER_WITHIN = Duration.ofMillis(KafkaClientSettings.MAX_BLOCK_MS);

    private final AckedProducer producer;
    private final ProducerHealth health;
    private final KafkaConnection kafka;

    /** {@code health} learns the outcome of every publish. */
    public JobPublisher(KafkaConnection kafka, String clientId, ProducerHealth health) {
        this.kafka = kafka;
        this.producer = new AckedProducer(kafka, clientId);
        this.health = health;
    }

    public CompletableFuture<RecordMetadata> publish(JobRecord job) {
        Region region = Region.fromWireName(job.region()).orElseThrow();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.region(region), job.kafkaKey(), RecordJson.write(job));
        record.headers().add(Topics.JOB_ID_HEADER, job.id().getBytes(StandardCharsets.UTF_8));
        return observed(producer.send(record, HAND_OVER_WITHIN), record.topic());
    }

    public CompletableFuture<RecordMetadata> publishDeadLetter(String key, DeadLetter deadLetter) {
        return observed(producer.send(new ProducerRecord<>(Topics.DLQ, key, RecordJson.write(deadLetter)), HAND_OVER_WITHIN),
                Topics.DLQ);
    }

    private CompletableFuture<RecordMetadata> observed(CompletableFuture<RecordMetadata> sent, String topic) {
        sent.whenComplete((metadata, error) -> {
            if (error == null) {
                health.published();
            } else {
                // A missing write ACL fails every publish to the topic: the process is told (the CLI exits).
                KafkaAccessDenied.of(error, "writing to " + topic).ifPresent(kafka::accessDenied);
                health.publishFailed(error);
            }
        });
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
