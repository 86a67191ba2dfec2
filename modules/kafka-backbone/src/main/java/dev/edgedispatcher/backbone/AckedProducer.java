package dev.edgedispatcher.backbone;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The idempotent, acks=all producer of {@link KafkaClientSettings#producer}, where every send is a
 * future that completes only when Kafka acknowledged the record and fails when it did not (no
 * error is ever dropped). {@code send()} itself runs on a thread of its own, because the Kafka
 * client may block it for metadata or buffer space (up to {@link KafkaClientSettings#MAX_BLOCK_MS})
 * and callers are often event loops.
 */
public final class AckedProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender;

    public AckedProducer(String bootstrapServers, String clientId) {
        this.producer = new KafkaProducer<>(KafkaClientSettings.producer(bootstrapServers, clientId));
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-send-" + clientId);
            thread.setDaemon(true);
            return thread;
        });
    }

    public CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
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

    /** Sends what is queued, waits up to 5 s for acknowledgements, and closes. */
    @Override
    public void close() {
        sender.shutdown();
        producer.close(Duration.ofSeconds(5));
    }
}
