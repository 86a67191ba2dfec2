package dev.edgedispatcher.scheduler.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The ids of jobs evicted from the status index, remembered compactly so that a status request or a
 * repeated submit of such an id can be told apart from an id never seen. Each id is kept as a 64-bit
 * fingerprint (the first 8 bytes of its SHA-256: client-chosen ids cannot be crafted to collide; an
 * accidental collision among a million ids has a chance of about 3 in 10^8) in open-addressing
 * tables of two generations: when the current one holds {@code perGeneration} ids it becomes the
 * previous one and the oldest generation is dropped. So the newest {@code perGeneration} evicted ids
 * are always remembered, up to twice that many, in {@code 2 * 8 * tableSize} bytes at most
 * (16 MiB with the default), allocated only once something is evicted. Thread-safe.
 */
final class EvictedIds {

    /** 0.75 of a 2^20-slot table: 8 MiB per generation, 16 MiB in all. */
    static final int DEFAULT_PER_GENERATION = 786_432;

    private final int perGeneration;
    private final int tableSize;
    private FingerprintTable current;
    private FingerprintTable previous;
    private volatile boolean empty = true;

    EvictedIds(int perGeneration) {
        if (perGeneration < 1) {
            throw new IllegalArgumentException("perGeneration must be at least 1");
        }
        this.perGeneration = perGeneration;
        // The smallest power of two that keeps the load at or below 0.75 (so a probe always ends).
        long needed = Math.min(1L << 30, (perGeneration * 4L + 2) / 3);
        this.tableSize = Integer.highestOneBit((int) needed - 1) << 1;
    }

    /** How many evicted ids are certainly remembered (the newest ones). */
    int remembersAtLeast() {
        return perGeneration;
    }

    void add(String id) {
        long fingerprint = fingerprint(id);
        synchronized (this) {
            if (current == null) {
                current = new FingerprintTable(tableSize);
            } else if (current.size >= perGeneration) {
                previous = current;
                current = new FingerprintTable(tableSize);
            }
            current.add(fingerprint);
            empty = false;
        }
    }

    boolean contains(String id) {
        if (empty) {
            return false;
        }
        long fingerprint = fingerprint(id);
        synchronized (this) {
            return current.contains(fingerprint) || (previous != null && previous.contains(fingerprint));
        }
    }

    static long fingerprint(String id) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (digest[i] & 0xff);
        }
        return value == 0 ? 1 : value; // 0 marks an empty slot
    }

    /** A set of non-zero longs with linear probing; never deletes (whole generations are dropped). */
    private static final class FingerprintTable {
        private final long[] slots;
        private final int mask;
        private int size;

        FingerprintTable(int capacity) {
            slots = new long[capacity];
            mask = capacity - 1;
        }

        void add(long fingerprint) {
            int slot = spread(fingerprint) & mask;
            while (slots[slot] != 0) {
                if (slots[slot] == fingerprint) {
                    return;
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = fingerprint;
            size++;
        }

        boolean contains(long fingerprint) {
            int slot = spread(fingerprint) & mask;
            while (slots[slot] != 0) {
                if (slots[slot] == fingerprint) {
                    return true;
                }
                slot = (slot + 1) & mask;
            }
            return false;
        }

        private static int spread(long fingerprint) {
            return (int) (fingerprint ^ (fingerprint >>> 32));
        }
    }
}
