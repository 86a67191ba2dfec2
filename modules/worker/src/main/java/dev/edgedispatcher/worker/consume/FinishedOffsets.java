package dev.edgedispatcher.worker.consume;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;

/** Offsets whose work is done (outcome acknowledged), reported from any thread, applied by the consumer thread. */
public final class FinishedOffsets {

    private record Finished(TopicPartition partition, long offset) {
    }

    private final ConcurrentLinkedQueue<Finished> queue = new ConcurrentLinkedQueue<>();

    public void add(TopicPartition partition, long offset) {
        queue.add(new Finished(partition, offset));
    }

    void drainTo(BiConsumer<TopicPartition, Long> apply) {
        for (Finished item = queue.poll(); item != null; item = queue.poll()) {
            apply.accept(item.partition(), item.offset());
        }
    }
}
