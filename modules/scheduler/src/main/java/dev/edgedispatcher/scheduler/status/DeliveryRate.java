package dev.edgedispatcher.scheduler.status;

import dev.edgedispatcher.callback.Region;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Deliveries per second of each region (and account), from the final {@code delivered} events of
 * the last {@link #WINDOW_SECONDS} seconds, counted by the time the event was written (the Kafka
 * record's timestamp), so that events read again while the index is rebuilt at start count only
 * when they are recent. Memory is one small ring of per-second buckets per account and region.
 */
public final class DeliveryRate {

    /** The window the rate is averaged over. */
    public static final int WINDOW_SECONDS = 10;
    private static final int RING = WINDOW_SECONDS + 2;

    private final LongSupplier clockMillis;
    /** Per account: for each region, RING buckets of (epoch second, count). */
    private final Map<String, long[][]> seconds = new HashMap<>();
    private final Map<String, long[][]> counts = new HashMap<>();

    public DeliveryRate(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** One job of {@code account} was delivered from {@code region}, its final event written at {@code epochMillis}. */
    public synchronized void delivered(String account, Region region, long epochMillis) {
        long second = Math.min(epochMillis, clockMillis.getAsLong()) / 1000;
        if (second <= clockMillis.getAsLong() / 1000 - WINDOW_SECONDS) {
            return; // older than the window (read back during the rebuild): not a recent delivery
        }
        String key = account == null ? "" : account;
        long[] tags = seconds.computeIfAbsent(key, k -> new long[Region.values().length][RING])[region.ordinal()];
        long[] values = counts.computeIfAbsent(key, k -> new long[Region.values().length][RING])[region.ordinal()];
        int slot = (int) Math.floorMod(second, (long) RING);
        if (tags[slot] != second) {
            tags[slot] = second;
            values[slot] = 0;
        }
        values[slot]++;
    }

    /** The average over the last {@link #WINDOW_SECONDS} seconds: of one account, or of all when none is given. */
    public synchronized double perSecond(Region region, Optional<String> account) {
        long now = clockMillis.getAsLong() / 1000;
        long total = 0;
        for (Map.Entry<String, long[][]> entry : seconds.entrySet()) {
            if (account.isPresent() && !account.get().equals(entry.getKey())) {
                continue;
            }
            long[] tags = entry.getValue()[region.ordinal()];
            long[] values = counts.get(entry.getKey())[region.ordinal()];
            for (int slot = 0; slot < RING; slot++) {
                if (tags[slot] > now - WINDOW_SECONDS && tags[slot] <= now) {
                    total += values[slot];
                }
            }
        }
        return (double) total / WINDOW_SECONDS;
    }
}
