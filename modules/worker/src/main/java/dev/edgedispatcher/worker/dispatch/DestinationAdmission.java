package dev.edgedispatcher.worker.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Admits a job to delivery (its tt starts then) only when it can start: its destination (the URL's
 * host, whatever the port) has fewer than {@code perDestination} jobs running, and the process has
 * a free {@link DeliverySlots} slot within the job's account's share. Until then it waits here, on
 * the consumer thread, with no timer running: a backlog of tens of thousands of jobs costs queue
 * entries, never spurious ct or rt failures (docs/callbacks.md, "Delivery semantics"). Jobs waiting
 * for a slot are taken one account at a time, in turn, so that one account's backlog never stands
 * in front of another's (docs/callbacks.md, "Sharing a worker"). Not thread-safe: used by the
 * consumer thread only.
 */
final class DestinationAdmission<T> {

    private final int perDestination;
    private final DeliverySlots slots;
    private final Function<T, String> accountOf;
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, ArrayDeque<T>> waitingForDestination = new HashMap<>();
    /** Per account, the jobs (with their destination) admitted by their destination and waiting for a slot. */
    private final Map<String, ArrayDeque<Map.Entry<String, T>>> waitingForSlot = new HashMap<>();
    /** Accounts with jobs waiting for a slot, in the order they are served. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private int waiting;

    DestinationAdmission(int perDestination, DeliverySlots slots, Function<T, String> accountOf) {
        this.perDestination = perDestination;
        this.slots = slots;
        this.accountOf = accountOf;
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
        String account = accountOf.apply(job);
        if (!waitingForSlot.containsKey(account) && slots.tryTake(account)) {
            start.accept(job);
        } else {
            ArrayDeque<Map.Entry<String, T>> queue = waitingForSlot.get(account);
            if (queue == null) {
                queue = new ArrayDeque<>();
                waitingForSlot.put(account, queue);
                turns.add(account);
            }
            queue.add(Map.entry(destination, job));
            waiting++;
        }
    }

    /** {@code job} of {@code destination} finished: its slots go to the next jobs waiting. */
    void finished(String destination, T job, Consumer<T> start) {
        slots.give(accountOf.apply(job));
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

    /**
     * Starts jobs that were waiting only for a slot (freed here or by another region), one account
     * at a time in turn; an account at its share is passed over until one of its deliveries ends.
     */
    void admitWaitingForSlots(Consumer<T> start) {
        int passedOver = 0;
        while (!turns.isEmpty() && passedOver < turns.size()) {
            if (slots.full()) {
                return; // the account whose turn it is keeps it
            }
            String account = turns.poll();
            if (!slots.tryTake(account)) {
                turns.add(account); // at its share: the next account's turn
                passedOver++;
                continue;
            }
            passedOver = 0;
            ArrayDeque<Map.Entry<String, T>> queue = waitingForSlot.get(account);
            Map.Entry<String, T> next = queue.poll();
            waiting--;
            if (queue.isEmpty()) {
                waitingForSlot.remove(account);
            } else {
                turns.add(account);
            }
            start.accept(next.getValue());
        }
    }

    /** Jobs admitted but waiting here (for their destination or a slot). */
    int waiting() {
        return waiting;
    }

    /** Each job waiting here (for its destination or a slot), in no particular order. */
    void forEachWaiting(Consumer<T> action) {
        waitingForSlot.values().forEach(queue -> queue.forEach(entry -> action.accept(entry.getValue())));
        waitingForDestination.values().forEach(queue -> queue.forEach(action));
    }

    /**
     * Removes the waiting jobs {@code gone} selects (their partition was revoked, or they were
     * parked); a destination place one of them held goes to the next job waiting for it.
     */
    List<T> dropIf(Predicate<T> gone, Consumer<T> start) {
        List<T> dropped = new ArrayList<>();
        Map<String, Integer> freed = new HashMap<>();
        for (Iterator<Map.Entry<String, ArrayDeque<Map.Entry<String, T>>>> accounts = waitingForSlot.entrySet().iterator();
                accounts.hasNext(); ) {
            var account = accounts.next();
            for (var it = account.getValue().iterator(); it.hasNext(); ) {
                Map.Entry<String, T> entry = it.next();
                if (gone.test(entry.getValue())) {
                    it.remove();
                    waiting--;
                    dropped.add(entry.getValue());
                    freed.merge(entry.getKey(), 1, Integer::sum);
                }
            }
            if (account.getValue().isEmpty()) {
                accounts.remove();
                turns.remove(account.getKey());
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
        freed.forEach((destination, count) -> {
            int busy = running.getOrDefault(destination, count) - count;
            if (busy <= 0) {
                running.remove(destination);
            } else {
                running.put(destination, busy);
            }
            ArrayDeque<T> queue = waitingForDestination.get(destination);
            while (queue != null && !queue.isEmpty() && running.getOrDefault(destination, 0) < perDestination) {
                T next = queue.poll();
                waiting--;
                if (queue.isEmpty()) {
                    waitingForDestination.remove(destination);
                }
                offer(destination, next, start);
            }
        });
        return dropped;
    }
}
