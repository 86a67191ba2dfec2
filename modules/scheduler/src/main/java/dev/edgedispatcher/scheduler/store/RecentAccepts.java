package dev.edgedispatcher.scheduler.store;

import dev.edgedispatcher.backbone.JobRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs this replica accepted in the last moments, by id, with a fixed bound: their status can be
 * read before the sink has written them to the store (well under a second later at any steady
 * rate). Not a store: the oldest entries go first, whatever the traffic, so memory stays fixed.
 */
public final class RecentAccepts {

    public static final int DEFAULT_CAPACITY = 20_000;

    private final Map<String, JobRecord> jobs;

    public RecentAccepts(int capacity) {
        this.jobs = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JobRecord> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void accepted(JobRecord job) {
        jobs.put(job.id(), job);
    }

    public synchronized Optional<JobRecord> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }
}
