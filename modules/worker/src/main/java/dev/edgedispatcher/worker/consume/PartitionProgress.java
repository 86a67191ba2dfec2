package dev.edgedispatcher.worker.consume;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are in flight, and so which offset may be committed: the lowest
 * one still in flight, or the next to be read when none is. Completing jobs out of order therefore
 * never commits past an unfinished one (at-least-once), and a crash re-delivers only from the
 * lowest unfinished offset. Used by the consumer thread only.
 */
public final class PartitionProgress {

    private static final class State {
        final TreeSet<Long> inFlight = new TreeSet<>();
        long nextToRead = -1;
        long lastCommitted = -1;
    }

    private final Map<TopicPartition, State> partitions = new HashMap<>();
    private int inFlight;

    public void started(TopicPartition partition, long offset) {
        State state = partitions.computeIfAbsent(partition, p -> new State());
        state.inFlight.add(offset);
        state.nextToRead = Math.max(state.nextToRead, offset + 1);
        inFlight++;
    }

    /** Marks an offset done; ignored when the partition was revoked meanwhile. */
    public void completed(TopicPartition partition, long offset) {
        State state = partitions.get(partition);
        if (state != null && state.inFlight.remove(offset)) {
            inFlight--;
        }
    }

    public int inFlight() {
        return inFlight;
    }

    public int inFlight(TopicPartition partition) {
        State state = partitions.get(partition);
        return state == null ? 0 : state.inFlight.size();
    }

    /** Offsets to commit now (only partitions whose committable offset moved since the last call). */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, state) -> {
            long offset = state.inFlight.isEmpty() ? state.nextToRead : state.inFlight.first();
            if (offset > state.lastCommitted && offset >= 0) {
                offsets.put(partition, new OffsetAndMetadata(offset));
                state.lastCommitted = offset;
            }
        });
        return offsets;
    }

    /** Forgets revoked partitions; their in-flight jobs still finish, but can no longer move offsets. */
    public void revoke(Iterable<TopicPartition> revoked) {
        for (TopicPartition partition : revoked) {
            State state = partitions.remove(partition);
            if (state != null) {
                inFlight -= state.inFlight.size();
            }
        }
    }
}
