package dev.edgedispatcher.worker.results;

import dev.edgedispatcher.backbone.AckedProducer;
import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes result events and dead letters through an {@link AckedProducer} (never blocking the
 * calling event loop). Every send's error
 * is handled: attempt events that fail are counted and logged; a final outcome or a dead letter is
 * retried until Kafka acknowledges it, because the job's offset is committed only after that.
 */
public final class ResultWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultWriter.class);

    private final AckedProducer producer;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "result-writer-retry");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    public ResultWriter(String bootstrapServers, String clientId) {
        this.producer = new AckedProducer(bootstrapServers, clientId);
    }

    /** Best effort: a started or attempt event that cannot be written is logged, not retried. */
    public void writeProgress(ResultEvent event) {
        send(Topics.RESULTS, event.id(), RecordJson.write(event)).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("attempt event of job {} not written: {}", event.id(), error.getMessage());
            }
        });
    }

    /** Completes once Kafka acknowledged the final outcome; retried every second until then. */
    public CompletableFuture<Void> writeFinal(ResultEvent event) {
        return sendUntilAcked(Topics.RESULTS, event.id(), RecordJson.write(event));
    }

    public CompletableFuture<Void> writeDeadLetter(String key, DeadLetter deadLetter) {
        return sendUntilAcked(Topics.DLQ, key, RecordJson.write(deadLetter));
    }

    private CompletableFuture<Void> sendUntilAcked(String topic, String key, byte[] value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        trySend(topic, key, value, done, 1);
        return done;
    }

    private void trySend(String topic, String key, byte[] value, CompletableFuture<Void> done, int attempt) {
        send(topic, key, value).whenComplete((ok, error) -> {
            if (error == null) {
                done.complete(null);
            } else if (closed) {
                done.completeExceptionally(error);
            } else {
                LOG.warn("write to {} for {} failed (try {}), retrying in 1 s: {}", topic, key, attempt, error.getMessage());
                retries.schedule(() -> trySend(topic, key, value, done, attempt + 1), 1, TimeUnit.SECONDS);
            }
        });
    }

    private CompletableFuture<Void> send(String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value)).thenApply(metadata -> null);
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        producer.close();
    }
}
