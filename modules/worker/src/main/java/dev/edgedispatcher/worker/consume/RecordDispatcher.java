package dev.edgedispatcher.worker.consume;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the consumer loop hands its records to. Every method is called on the consumer thread; a
 * dispatcher reports each record's end (outcome or dead letter acknowledged) through the
 * {@link FinishedOffsets} it was given, from any thread, exactly once per record it accepted.
 */
public interface RecordDispatcher {

    /** A new record, already counted in flight by the loop. */
    void dispatch(ConsumerRecord<String, byte[]> record);

    /** Once per loop turn: act on what finished since the last turn (start waiting jobs). */
    void turn();

    /** These partitions are no longer ours: jobs of theirs that have not started are dropped, not run. */
    void revoked(Collection<TopicPartition> partitions);

    /** Records accepted but not started (queued behind their key, destination or a slot). */
    int waiting();

    /**
     * Parks the jobs holding these partitions' commit windows ({@code lowest}: each partition's
     * lowest unfinished offsets, lowest first): from the lowest up, each one waiting to start is
     * written again at the end of its partition and its offset reported finished once that write is
     * acknowledged. Stops at a partition's first job that cannot move (running, or in an ordering
     * lane). Returns how many it parks.
     */
    int park(Map<TopicPartition, List<Long>> lowest);

    /** Deliveries started (and parkings begun) from these partitions whose end is not yet reported. */
    int running(Collection<TopicPartition> partitions);
}
