package dev.edgedispatcher.worker.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many deliveries a worker process runs at once, over all its regions: each holds at most one
 * connection at a time, so with this no larger than the connection cap a started delivery seldom
 * waits for a connection; and no new one starts while the event loops lag ({@link EventLoopLag}).
 * One account holds at most {@code perAccount} of them (docs/callbacks.md, "Sharing a worker"), so
 * that one tenant's slow destinations never take every slot. Jobs held back stay with their
 * region's dispatcher, with no timer running.
 */
public final class DeliverySlots {

    /** Deliveries always allowed, lag or not: the worker never stops making progress. */
    static final int ALWAYS_ALLOWED = 32;

    private final int limit;
    private final int perAccount;
    private final EventLoopLag lag;
    private final AtomicInteger used = new AtomicInteger();
    private final Map<String, Integer> byAccount = new ConcurrentHashMap<>();

    /** {@code lag}: while the event loops lag, no more than {@link #ALWAYS_ALLOWED} deliveries start. One account: half. */
    public DeliverySlots(int limit, EventLoopLag lag) {
        this(limit, Math.max(Math.min(ALWAYS_ALLOWED, limit), limit / 2), lag);
    }

    DeliverySlots(int limit, int perAccount, EventLoopLag lag) {
        if (limit < 1 || perAccount < 1) {
            throw new IllegalArgumentException("delivery slot limits must be at least 1, not " + limit + " and "
                    + perAccount + " per account");
        }
        this.limit = limit;
        this.perAccount = perAccount;
        this.lag = lag;
    }

    /** Takes a slot for a delivery of {@code account}: false when the process or the account is at its limit. */
    boolean tryTake(String account) {
        boolean[] mine = new boolean[1];
        byAccount.compute(account, (key, held) -> {
            int now = held == null ? 0 : held;
            mine[0] = now < perAccount;
            return mine[0] ? now + 1 : held;
        });
        if (!mine[0]) {
            return false;
        }
        if (tryTakeInProcess()) {
            return true;
        }
        release(account);
        return false;
    }

    private boolean tryTakeInProcess() {
        while (true) {
            int now = used.get();
            if (now >= limit || (now >= ALWAYS_ALLOWED && lag.overloaded())) {
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Whether no delivery of any account can start now (the process is at its limit, or lagging). */
    boolean full() {
        int now = used.get();
        return now >= limit || (now >= ALWAYS_ALLOWED && lag.overloaded());
    }

    void give(String account) {
        used.decrementAndGet();
        release(account);
    }

    private void release(String account) {
        byAccount.computeIfPresent(account, (key, held) -> held <= 1 ? null : held - 1);
    }

    public int used() {
        return used.get();
    }

    /** Slots held by {@code account} now. */
    int usedBy(String account) {
        return byAccount.getOrDefault(account, 0);
    }

    int perAccount() {
        return perAccount;
    }
}
