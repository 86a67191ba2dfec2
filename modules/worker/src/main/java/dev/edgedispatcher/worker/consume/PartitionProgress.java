package dev.edgedispatcher.worker.consume;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are in flight and so what may be committed: the lowest offset
 * still in flight, or the next to be read when none is. Jobs finishing out of order never commit
 * past an unfinished one (at-least-once). Offsets already finished above the committed one travel
 * in the commit metadata (the parallel-consumer design), so that after a crash the next owner skips
 * them and re-delivers only what was really in flight. Used by the consumer thread only.
 */
public final class PartitionProgress {

    /** Kafka's default {@code offset.metadata.max.bytes} is 4096; stay well inside it. */
    static final int MAX_METADATA_CHARS = 3000;
    private static final String PREFIX = "done:";

    private static final class State {
        final TreeSet<Long> inFlight = new TreeSet<>();
        final TreeSet<Long> doneAbove = new TreeSet<>();
        Set<Long> skip = Set.of();
        long nextToRead = -1;
        long lastCommitted = -1;
        String lastMetadata = "";
    }

    private final Map<TopicPartition, State> partitions = new HashMap<>();
    private int inFlight;

    /** A partition was assigned with this committed position; offsets its metadata lists are skipped. */
    public void assigned(TopicPartition partition, OffsetAndMetadata committed) {
        State state = partitions.computeIfAbsent(partition, p -> new State());
        if (committed != null) {
            state.skip = decode(committed.offset(), committed.metadata());
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
        state.inFlight.add(offset);
        state.nextToRead = Math.max(state.nextToRead, offset + 1);
        inFlight++;
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

    /** Offsets (with finished-above metadata) to commit now: partitions whose commit changed since the last call. */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, state) -> {
            if (state.nextToRead < 0) {
                return;
            }
            long offset = state.inFlight.isEmpty() ? state.nextToRead : state.inFlight.first();
            state.doneAbove.headSet(offset).clear();
            String metadata = encode(offset, state.doneAbove);
            if (offset != state.lastCommitted || !metadata.equals(state.lastMetadata)) {
                offsets.put(partition, new OffsetAndMetadata(offset, metadata));
                state.lastCommitted = offset;
                state.lastMetadata = metadata;
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

    /** {@code done:d1,d2,...}: offsets finished above {@code base}, as distances from it; cut when too long. */
    static String encode(long base, TreeSet<Long> done) {
        if (done.isEmpty()) {
            return "";
        }
        StringJoiner joined = new StringJoiner(",", PREFIX, "");
        int length = PREFIX.length();
        for (long offset : done) {
            String delta = Long.toString(offset - base);
            length += delta.length() + 1;
            if (length > MAX_METADATA_CHARS) {
                break; // fewer skips only means more re-delivery, never a lost job
            }
            joined.add(delta);
        }
        return joined.toString();
    }

    static Set<Long> decode(long base, String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Set.of();
        }
        Set<Long> offsets = new HashSet<>();
        for (String delta : metadata.substring(PREFIX.length()).split(",")) {
            try {
                offsets.add(base + Long.parseLong(delta));
            } catch (NumberFormatException e) {
                return Set.of(); // not ours: skip nothing
            }
        }
        return offsets;
    }
}
