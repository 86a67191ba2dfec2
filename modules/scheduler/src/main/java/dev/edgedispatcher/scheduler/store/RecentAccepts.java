package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs this replica accepted in the last moments, by id, with a fixed bound: their status can be
 * read before the sink has written them to the store (well under a second later at any steady
 * rate). Not a store: the oldest entries go first, whatever the traffic, so memory stays fixed.
 *
 * <p>Each job is kept as the bytes its record was published with, not as a {@link JobRecord}: at
 * a burst's rate an entry lives for several seconds, through several young collections, and one
 * array is copied far faster than the record's two dozen objects (docs/performance.md). A hit
 * (a status read, a repeated id) parses it again.
 */
public final class RecentAccepts {

    public static final int DEFAULT_CAPACITY = 20_000;

    private final Map<String, byte[]> jobs;

    public RecentAccepts(int capacity) {
        this.jobs = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** {@code published}: the record's value as written to Kafka ({@link RecordJson#write}). */
    public synchronized void accepted(String id, byte[] published) {
        jobs.put(id, published);
    }

    public Optional<JobRecord> find(String id) {
        byte[] published;
        synchronized (this) {
            published = jobs.get(id);
        }
        if (published == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RecordJson.read(published, JobRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("a record this replica wrote could not be read back", e);
        }
    }
}
