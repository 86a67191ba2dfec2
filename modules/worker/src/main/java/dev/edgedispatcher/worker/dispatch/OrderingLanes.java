package dev.edgedispatcher.worker.dispatch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Jobs sharing an ordering key run one at a time, in the order they were read; jobs without a key
 * never wait here. A key is present while one of its jobs runs; later ones queue behind it. Not
 * thread-safe: used by the consumer thread only.
 */
final class OrderingLanes<T> {

    private final Map<String, ArrayDeque<T>> lanes = new HashMap<>();
    private int waiting;

    /** Whether {@code job} may run now; if not, it waits behind the running job of its key. */
    boolean tryStart(String orderingKey, T job) {
        if (orderingKey == null) {
            return true;
        }
        ArrayDeque<T> lane = lanes.get(orderingKey);
        if (lane == null) {
            lanes.put(orderingKey, new ArrayDeque<>());
            return true;
        }
        lane.add(job);
        waiting++;
        return false;
    }

    /** The running job of {@code orderingKey} finished: the next one of that key to run, or null. */
    T finished(String orderingKey) {
        if (orderingKey == null) {
            return null;
        }
        ArrayDeque<T> lane = lanes.get(orderingKey);
        T next = lane == null ? null : lane.poll();
        if (next == null) {
            lanes.remove(orderingKey);
        } else {
            waiting--;
        }
        return next;
    }

    int waiting() {
        return waiting;
    }
}
