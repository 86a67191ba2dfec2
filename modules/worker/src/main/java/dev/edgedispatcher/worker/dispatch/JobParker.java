package dev.edgedispatcher.worker.dispatch;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes a job that holds its partition's commit window, while it waits to start, again at the end
 * of the same partition, as retry-topic designs do (docs/callbacks.md, "Sharing a worker"): once
 * the copy is acknowledged the original offset counts as finished, so the partition's commits move
 * past it, and the copy is read, admitted and delivered like any job, with the same id and
 * {@code webhook-id}. The copy carries where it was parked from in a header, for the curious.
 */
public final class JobParker {

    /** Header of a parked copy: {@code <partition>@<offset>} of the record it replaces. */
    public static final String PARKED_FROM_HEADER = "edge-parked-from";

    private final Function<ProducerRecord<String, byte[]>, CompletableFuture<Void>> writer;

    /** {@code writer} writes one record and completes once Kafka acknowledged it. */
    public JobParker(Function<ProducerRecord<String, byte[]>, CompletableFuture<Void>> writer) {
        this.writer = writer;
    }

    CompletableFuture<Void> park(TopicPartition partition, long offset, JobRecord job) {
        ProducerRecord<String, byte[]> copy = new ProducerRecord<>(partition.topic(), partition.partition(), job.kafkaKey(),
                RecordJson.write(job));
        copy.headers().add(PARKED_FROM_HEADER, (partition.partition() + "@" + offset).getBytes(StandardCharsets.UTF_8));
        try {
            return writer.apply(copy);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
