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
    /** Slots held per account; an account's counter is removed when it holds none. */
    private final Map<String, AtomicInteger> byAccount = new ConcurrentHashMap<>();

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
        while (true) {
            AtomicInteger held = byAccount.computeIfAbsent(account, key -> new AtomicInteger());
            int now = held.get();
            if (now >= perAccount) {
                return false;
            }
            if (now < 0 || !held.compareAndSet(now, now + 1)) {
                continue; // retired by a release meanwhile (see there), or raced: look again
            }
            if (tryTakeInProcess()) {
                return true;
            }
            release(account);
            return false;
        }
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

    /**
     * An account's counter that reaches 0 is retired (set to -1 and removed) so that the map holds
     * only accounts with slots; a taker that found the retired counter looks up a new one.
     */
    private void release(String account) {
        AtomicInteger held = byAccount.get(account);
        if (held != null && held.decrementAndGet() == 0 && held.compareAndSet(0, -1)) {
            byAccount.remove(account, held);
        }
    }

    public int used() {
        return used.get();
    }

    /** Slots held by {@code account} now. */
    int usedBy(String account) {
        AtomicInteger held = byAccount.get(account);
        return held == null ? 0 : Math.max(0, held.get());
    }

    int perAccount() {
        return perAccount;
    }
}
