package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes jobs to their region topic and dead letters to the DLQ with the idempotent, acks=all
 * producer. A future completes only when Kafka has acknowledged the record, and fails (within
 * {@link KafkaClientSettings#DELIVERY_TIMEOUT_MS} plus {@link KafkaClientSettings#MAX_BLOCK_MS})
 * when it cannot: no caller is ever told a record is safe when it is not. {@code send()} runs on
 * a thread of its own because it may block for metadata while Kafka is unreachable.
 */
public final class JobPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "job-publisher");
        thread.setDaemon(true);
        return thread;
    });

    public JobPublisher(String bootstrapServers, String clientId) {
        this.producer = new KafkaProducer<>(KafkaClientSettings.producer(bootstrapServers, clientId));
    }

    public CompletableFuture<RecordMetadata> publish(JobRecord job) {
        Region region = Region.fromWireName(job.region()).orElseThrow();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.region(region), job.kafkaKey(), RecordJson.write(job));
        record.headers().add(Topics.JOB_ID_HEADER, job.id().getBytes(StandardCharsets.UTF_8));
        return send(record);
    }

    public CompletableFuture<RecordMetadata> publishDeadLetter(String key, DeadLetter deadLetter) {
        return send(new ProducerRecord<>(Topics.DLQ, key, RecordJson.write(deadLetter)));
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (metadata, error) -> {
                        if (error != null) {
                            acked.completeExceptionally(error);
                        } else {
                            acked.complete(metadata);
                        }
                    });
                } catch (RuntimeException e) {
                    acked.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public void close() {
        sender.shutdown();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
