package dev.edgedispatcher.worker.consume;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Jobs sharing an ordering key run one at a time, in the order they were submitted; jobs without a
 * key run at once. Not thread-safe: each instance belongs to one event-loop context, and a key
 * always maps to the same context.
 */
public final class OrderingLanes {

    private final Map<String, ArrayDeque<Consumer<Runnable>>> lanes = new HashMap<>();

    /**
     * Runs {@code job} now, or after the earlier jobs of {@code orderingKey}. The job receives a
     * {@code done} callback it must call exactly once when it has finished.
     */
    public void submit(String orderingKey, Consumer<Runnable> job) {
        if (orderingKey == null) {
            job.accept(() -> { });
            return;
        }
        ArrayDeque<Consumer<Runnable>> lane = lanes.get(orderingKey);
        if (lane != null) {
            lane.add(job);
            return;
        }
        lanes.put(orderingKey, new ArrayDeque<>());
        run(orderingKey, job);
    }

    private void run(String orderingKey, Consumer<Runnable> job) {
        job.accept(() -> {
            ArrayDeque<Consumer<Runnable>> lane = lanes.get(orderingKey);
            Consumer<Runnable> next = lane == null ? null : lane.poll();
            if (next == null) {
                lanes.remove(orderingKey);
            } else {
                run(orderingKey, next);
            }
        });
    }
}
