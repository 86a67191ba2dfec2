package dev.edgedispatcher.worker.consume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are in flight and so what may be committed: the lowest offset
 * still in flight, or the next to be read when none is. Jobs finishing out of order never commit
 * past an unfinished one (at-least-once). Offsets already finished above the committed one travel
 * in the commit metadata ({@link OffsetMapCodec}), so that after a crash the next owner skips them
 * and re-delivers only what was really in flight. A partition whose window (lowest unfinished to
 * next to read) nears what the metadata can hold has no room: the consumer pauses it, so the
 * metadata never has to be cut. Used by the consumer thread only.
 */
public final class PartitionProgress {

    /** Room kept below {@link OffsetMapCodec#MAX_WINDOW} for the records of one more poll. */
    public static final int WINDOW_LIMIT = OffsetMapCodec.MAX_WINDOW - 1000;

    private static final class State {
        final TreeSet<Long> inFlight = new TreeSet<>();
        final TreeSet<Long> doneAbove = new TreeSet<>();
        Set<Long> skip = Set.of();
        long nextToRead = -1;
        long lastCommitted = -1;
        String lastMetadata = "";

        long lowestUnfinished() {
            return inFlight.isEmpty() ? nextToRead : inFlight.first();
        }
    }

    private final Map<TopicPartition, State> partitions = new HashMap<>();
    private final int windowLimit;
    private int inFlight;

    public PartitionProgress() {
        this(WINDOW_LIMIT);
    }

    /** {@code windowLimit}: records a partition may be read past its lowest unfinished one before it pauses. */
    public PartitionProgress(int windowLimit) {
        this.windowLimit = windowLimit;
    }

    /** A partition was assigned with this committed position; offsets its metadata lists are skipped. */
    public void assigned(TopicPartition partition, OffsetAndMetadata committed) {
        State state = partitions.computeIfAbsent(partition, p -> new State());
        if (committed != null) {
            state.skip = OffsetMapCodec.decode(committed.offset(), committed.metadata());
            state.lastCommitted = committed.offset();
            state.lastMetadata = committed.metadata() == null ? "" : committed.metadata();
        }
    }

    /** Whether this offset's final outcome was already written by an earlier owner of the partition. */
    public boolean alreadyDone(TopicPartition partition, long offset) {
        State state = partitions.get(partition);
        return state != null && state.skip.contains(offset);
    }

    public void started(TopicPartition partition, long offset) {
        State state = partitions.computeIfAbsent(partition, p -> new State());
        if (state.inFlight.add(offset)) {
            inFlight++;
        }
        state.nextToRead = Math.max(state.nextToRead, offset + 1);
    }

    /** Marks an offset done; ignored when the partition was revoked meanwhile. */
    public void completed(TopicPartition partition, long offset) {
        State state = partitions.get(partition);
        if (state != null && state.inFlight.remove(offset)) {
            state.doneAbove.add(offset);
            inFlight--;
        }
    }

    public int inFlight() {
        return inFlight;
    }

    /** Partitions whose window is too wide to take more records until their lowest one finishes. */
    public Set<TopicPartition> withoutRoom() {
        Set<TopicPartition> full = new HashSet<>();
        partitions.forEach((partition, state) -> {
            if (!state.inFlight.isEmpty() && state.nextToRead - state.inFlight.first() >= windowLimit) {
                full.add(partition);
            }
        });
        return full;
    }

    /**
     * Partitions whose window is at least {@code threshold} records wide, each with its lowest
     * unfinished offsets (up to {@code most}), lowest first: the jobs holding the window.
     */
    public Map<TopicPartition, List<Long>> crowded(int threshold, int most) {
        Map<TopicPartition, List<Long>> crowded = new HashMap<>();
        partitions.forEach((partition, state) -> {
            if (!state.inFlight.isEmpty() && state.nextToRead - state.inFlight.first() >= threshold) {
                List<Long> lowest = new ArrayList<>(Math.min(most, state.inFlight.size()));
                for (long offset : state.inFlight) {
                    if (lowest.size() == most) {
                        break;
                    }
                    lowest.add(offset);
                }
                crowded.put(partition, lowest);
            }
        });
        return crowded;
    }

    /** Offsets (with finished-above metadata) to commit now: partitions whose commit changed since the last call. */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, state) -> {
            if (state.nextToRead < 0) {
                return;
            }
            long offset = state.lowestUnfinished();
            state.doneAbove.headSet(offset).clear();
            String metadata = OffsetMapCodec.encode(offset, state.doneAbove);
            if (offset != state.lastCommitted || !metadata.equals(state.lastMetadata)) {
                offsets.put(partition, new OffsetAndMetadata(offset, metadata));
                state.lastCommitted = offset;
                state.lastMetadata = metadata;
            }
        });
        return offsets;
    }

    /** A commit of these partitions failed: the next {@link #committable()} offers them again. */
    public void commitFailed(Iterable<TopicPartition> failed) {
        for (TopicPartition partition : failed) {
            State state = partitions.get(partition);
            if (state != null) {
                state.lastCommitted = -1;
            }
        }
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
