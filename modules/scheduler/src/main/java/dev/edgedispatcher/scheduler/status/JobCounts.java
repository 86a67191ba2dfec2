package dev.edgedispatcher.scheduler.status;

import dev.edgedispatcher.callback.Region;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many jobs the status index holds, by account, region and state. Kept up to date as statuses
 * change (a job moves from one slot to another), so that reading the counts of a region costs a few
 * array reads however many jobs are held, instead of a scan of the index per request.
 */
public final class JobCounts {

    /** The states of SPEC §5, in the order a job goes through them. */
    public static final List<String> STATES = List.of("queued", "in_flight", "delivered", "failed");
    /** Jobs known only from their result events have no account yet: counted apart, shown only without keys. */
    private static final String NO_ACCOUNT = "";

    private final Map<String, AtomicLongArray> byAccount = new ConcurrentHashMap<>();

    /** Where a job is counted: its account, region and state. */
    record Slot(String account, Region region, int state) {
    }

    /** The slot of a status, or null when it is not counted (its region is not one of the five yet). */
    static Slot slotOf(JobStatus status) {
        String regionName = status.region();
        Optional<Region> region = regionName == null ? Optional.empty() : Region.fromWireName(regionName);
        int state = STATES.indexOf(status.state());
        if (region.isEmpty() || state < 0) {
            return null;
        }
        String account = status.account();
        return new Slot(account == null ? NO_ACCOUNT : account, region.get(), state);
    }

    /** A job left {@code from} and is now in {@code to}; either may be null (not counted). */
    void move(Slot from, Slot to) {
        if (from != null && from.equals(to)) {
            return;
        }
        if (from != null) {
            counters(from.account()).decrementAndGet(index(from.region(), from.state()));
        }
        if (to != null) {
            counters(to.account()).incrementAndGet(index(to.region(), to.state()));
        }
    }

    /**
     * Jobs of {@code region} by state (all four states, in {@link #STATES} order): of one account,
     * or of every account (jobs with no account yet included) when none is given.
     */
    public Map<String, Long> of(Region region, Optional<String> account) {
        long[] sums = new long[STATES.size()];
        if (account.isPresent()) {
            AtomicLongArray counters = byAccount.get(account.get());
            if (counters != null) {
                add(sums, counters, region);
            }
        } else {
            byAccount.values().forEach(counters -> add(sums, counters, region));
        }
        Map<String, Long> byState = new LinkedHashMap<>();
        for (int i = 0; i < sums.length; i++) {
            byState.put(STATES.get(i), sums[i]);
        }
        return byState;
    }

    private static void add(long[] sums, AtomicLongArray counters, Region region) {
        for (int state = 0; state < sums.length; state++) {
            sums[state] += counters.get(index(region, state));
        }
    }

    private AtomicLongArray counters(String account) {
        return byAccount.computeIfAbsent(account, a -> new AtomicLongArray(Region.values().length * STATES.size()));
    }

    private static int index(Region region, int state) {
        return region.ordinal() * STATES.size() + state;
    }
}
