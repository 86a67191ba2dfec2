package dev.edgedispatcher.backbone;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The idempotent, acks=all producer of {@link KafkaClientSettings#producer}, where every send is a
 * future that completes only when Kafka acknowledged the record and fails when it did not (no
 * error is ever dropped). A failure that proves the record was never handed to Kafka is a
 * {@link NotSentException}; see {@link NotSentException#mayHaveBeenWritten}. {@code send()} itself runs on a thread of its own, because the Kafka
 * client may block it for metadata or buffer space (up to {@link KafkaClientSettings#MAX_BLOCK_MS})
 * and callers are often event loops.
 */
public final class AckedProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService sender;

    public AckedProducer(KafkaConnection kafka, String clientId) {
        this(kafka, clientId, KafkaClientSettings.LINGER_MS);
    }

    /** With its own default linger ({@link KafkaClientSettings#producer(KafkaConnection, String, int)}). */
    public AckedProducer(KafkaConnection kafka, String clientId, int lingerMs) {
        this.producer = new KafkaProducer<>(KafkaClientSettings.producer(kafka, clientId, lingerMs));
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-send-" + clientId);
            thread.setDaemon(true);
            return thread;
        });
    }

    public CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        return send(record, null);
    }

    /**
     * Like {@link #send(ProducerRecord)}, but fails without sending when the record could not be
     * handed to the Kafka client within {@code handOverWithin}. While Kafka is away every
     * {@code send()} blocks its {@link KafkaClientSettings#MAX_BLOCK_MS} for metadata, one after
     * another on the sending thread: without this bound the n-th of n concurrent sends would fail
     * only after n times that wait. A record refused this way was never given to Kafka.
     */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record, Duration handOverWithin) {
        return send(() -> record, handOverWithin);
    }

    /**
     * Like {@link #send(ProducerRecord)}, with the record built on the sending thread: serialising
     * stays off the caller's event loop. Sends are built and handed over in the order they were asked for. A {@code building}
     * that throws fails the future with a {@link NotSentException}.
     */
    public CompletableFuture<RecordMetadata> send(Supplier<ProducerRecord<String, byte[]>> building) {
        return send(building, null);
    }

    private CompletableFuture<RecordMetadata> send(Supplier<ProducerRecord<String, byte[]>> building,
            Duration handOverWithin) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        long queuedAt = System.nanoTime();
        try {
            sender.execute(() -> {
                if (handOverWithin != null && System.nanoTime() - queuedAt > handOverWithin.toNanos()) {
                    acked.completeExceptionally(new NotSentException("not handed to the Kafka client within "
                            + handOverWithin.toMillis() + " ms: earlier sends are waiting for Kafka metadata",
                            new TimeoutException("hand-over wait of " + handOverWithin.toMillis() + " ms ran out")));
                    return;
                }
                ProducerRecord<String, byte[]> record;
                try {
                    record = building.get();
                } catch (RuntimeException e) {
                    acked.completeExceptionally(new NotSentException("the record could not be built: " + e, e));
                    return;
                }
                Thread caller = Thread.currentThread();
                boolean[] insideSend = {true};
                try {
                    producer.send(record, (metadata, error) -> {
                        if (error == null) {
                            acked.complete(metadata);
                        } else if (insideSend[0] && Thread.currentThread() == caller) {
                            // Called back from within send() itself: the client refused the record before
                            // taking it (Kafka 4 reports a metadata timeout this way, not by throwing).
                            acked.completeExceptionally(new NotSentException("the Kafka client refused the record: "
                                    + error, error));
                        } else {
                            acked.completeExceptionally(error);
                        }
                    });
                    insideSend[0] = false;
                } catch (RuntimeException e) {
                    // Thrown by send() itself (metadata wait, buffer full, closed): never handed over.
                    acked.completeExceptionally(new NotSentException("the Kafka client refused the record: " + e, e));
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(new NotSentException("the producer is closed: " + e, e));
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
