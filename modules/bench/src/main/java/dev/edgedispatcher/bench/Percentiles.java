package dev.edgedispatcher.bench;

import java.util.Arrays;

/** Exact percentiles of recorded samples (microseconds or milliseconds, whatever was recorded). */
final class Percentiles {

    private final long[] sorted;

    Percentiles(long[] samples, int count) {
        sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
    }

    long at(double percentile) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    int count() {
        return sorted.length;
    }
}
