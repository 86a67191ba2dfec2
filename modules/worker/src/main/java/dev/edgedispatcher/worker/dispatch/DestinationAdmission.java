package dev.edgedispatcher.worker.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Admits a job to delivery (its tt starts then) only when it can start: its destination has fewer
 * than {@code perDestination} jobs running, and the process has a free {@link DeliverySlots} slot.
 * Until then it waits here, on the consumer thread, with no timer running: a backlog of tens of
 * thousands of jobs costs queue entries, never spurious ct or rt failures (docs/callbacks.md,
 * "Delivery semantics"). Not thread-safe: used by the consumer thread only.
 */
final class DestinationAdmission<T> {

    private final int perDestination;
    private final DeliverySlots slots;
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, ArrayDeque<T>> waitingForDestination = new HashMap<>();
    private final ArrayDeque<Map.Entry<String, T>> waitingForSlot = new ArrayDeque<>();
    private int waiting;

    DestinationAdmission(int perDestination, DeliverySlots slots) {
        this.perDestination = perDestination;
        this.slots = slots;
    }

    /** Admits {@code job} now (passing it to {@code start}) or queues it. */
    void offer(String destination, T job, Consumer<T> start) {
        int busy = running.getOrDefault(destination, 0);
        if (busy >= perDestination) {
            waitingForDestination.computeIfAbsent(destination, key -> new ArrayDeque<>()).add(job);
            waiting++;
            return;
        }
        running.put(destination, busy + 1);
        if (waitingForSlot.isEmpty() && slots.tryTake()) {
            start.accept(job);
        } else {
            waitingForSlot.add(Map.entry(destination, job));
            waiting++;
        }
    }

    /** A job of {@code destination} finished: its slots go to the next jobs waiting. */
    void finished(String destination, Consumer<T> start) {
        slots.give();
        int busy = running.getOrDefault(destination, 1) - 1;
        ArrayDeque<T> queue = waitingForDestination.get(destination);
        if (queue != null && !queue.isEmpty()) {
            T next = queue.poll();
            waiting--;
            if (queue.isEmpty()) {
                waitingForDestination.remove(destination);
            }
            running.put(destination, busy);
            offer(destination, next, start);
        } else if (busy == 0) {
            running.remove(destination);
        } else {
            running.put(destination, busy);
        }
        admitWaitingForSlots(start);
    }

    /** Starts jobs that were waiting only for a process-wide slot (freed here or by another region). */
    void admitWaitingForSlots(Consumer<T> start) {
        while (!waitingForSlot.isEmpty() && slots.tryTake()) {
            waiting--;
            start.accept(waitingForSlot.poll().getValue());
        }
    }

    /** Jobs admitted but waiting here (for their destination or a slot). */
    int waiting() {
        return waiting;
    }

    /** Removes waiting jobs that no longer belong to us (their partition was revoked). */
    List<T> dropIf(java.util.function.Predicate<T> gone) {
        List<T> dropped = new ArrayList<>();
        for (var it = waitingForSlot.iterator(); it.hasNext(); ) {
            Map.Entry<String, T> entry = it.next();
            if (gone.test(entry.getValue())) {
                it.remove();
                waiting--;
                dropped.add(entry.getValue());
                int busy = running.getOrDefault(entry.getKey(), 1) - 1;
                if (busy == 0) {
                    running.remove(entry.getKey());
                } else {
                    running.put(entry.getKey(), busy);
                }
            }
        }
        waitingForDestination.values().forEach(queue -> queue.removeIf(job -> {
            if (gone.test(job)) {
                dropped.add(job);
                waiting--;
                return true;
            }
            return false;
        }));
        waitingForDestination.values().removeIf(ArrayDeque::isEmpty);
        return dropped;
    }
}
