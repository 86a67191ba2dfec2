package dev.edgedispatcher.worker.consume;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashSet;
import java.util.NavigableSet;
import java.util.Set;

/**
 * Encodes the offsets finished above a partition's committed offset into the commit metadata, so
 * that after a crash the next owner skips them (the design of parallel-consumer's
 * {@code OffsetMapCodecManager}). The offsets from the committed one up to the highest finished
 * one are written as a bitset or as run lengths, whichever is smaller, behind a version byte and an
 * encoding byte, in URL-safe base64 without padding. Anything not decodable (another tool's
 * metadata, a newer version) decodes to "skip nothing": that costs re-delivery, never a lost job.
 */
public final class OffsetMapCodec {

    /** Kafka's default {@code offset.metadata.max.bytes} is 4096 characters. */
    static final int MAX_METADATA_CHARS = 4000;
    /** Raw bytes that fit {@link #MAX_METADATA_CHARS} once in base64. */
    static final int MAX_ENCODED_BYTES = MAX_METADATA_CHARS / 4 * 3;
    /**
     * The widest window (committed offset to highest finished) a bitset always fits in: a
     * partition holds no more than this in flight, so its metadata never overflows.
     */
    public static final int MAX_WINDOW = (MAX_ENCODED_BYTES - 8) * 8;

    static final byte VERSION = 1;
    static final byte BITSET = 1;
    static final byte RUN_LENGTH = 2;
    private static final String LEGACY_PREFIX = "done:";

    private OffsetMapCodec() {
    }

    /** The metadata for {@code done} (all above {@code base}); empty when nothing is done above it. */
    public static String encode(long base, NavigableSet<Long> done) {
        if (done.isEmpty()) {
            return "";
        }
        if (done.last() - base > MAX_WINDOW) {
            // Cannot happen while partitions respect MAX_WINDOW; if it does, skip less rather than fail.
            done = done.headSet(base + MAX_WINDOW, true);
            if (done.isEmpty()) {
                return "";
            }
        }
        byte[] bits = bitset(base, done);
        byte[] runs = runLengths(base, done);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(runs.length < bits.length ? runs : bits);
    }

    /** Offsets the metadata says were finished above {@code base}. */
    public static Set<Long> decode(long base, String metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Set.of();
        }
        if (metadata.startsWith(LEGACY_PREFIX)) {
            return decodeLegacy(base, metadata);
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(metadata));
            if (bytes.remaining() < 2 || bytes.get() != VERSION) {
                return Set.of();
            }
            byte encoding = bytes.get();
            return switch (encoding) {
                case BITSET -> decodeBitset(base, bytes);
                case RUN_LENGTH -> decodeRunLengths(base, bytes);
                default -> Set.of();
            };
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return Set.of();
        }
    }

    /** Version, encoding, then bit i set when offset base+1+i is done (base itself is never done). */
    private static byte[] bitset(long base, NavigableSet<Long> done) {
        long span = done.last() - base;
        byte[] out = new byte[2 + (int) ((span + 7) / 8)];
        out[0] = VERSION;
        out[1] = BITSET;
        for (long offset : done) {
            long i = offset - base - 1;
            out[2 + (int) (i / 8)] |= (byte) (1 << (i % 8));
        }
        return out;
    }

    /** Version, encoding, then alternating varint run lengths from base+1: not done, done, not done, ... */
    private static byte[] runLengths(long base, NavigableSet<Long> done) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION);
        out.write(RUN_LENGTH);
        long next = base + 1;
        long runStart = -1;
        long previous = -1;
        for (long offset : done) {
            if (runStart >= 0 && offset == previous + 1) {
                previous = offset;
                continue;
            }
            if (runStart >= 0) {
                writeVarLong(out, previous - runStart + 1);
                next = previous + 1;
            }
            writeVarLong(out, offset - next);
            runStart = offset;
            previous = offset;
        }
        writeVarLong(out, previous - runStart + 1);
        return out.toByteArray();
    }

    private static Set<Long> decodeBitset(long base, ByteBuffer bytes) {
        Set<Long> done = new HashSet<>();
        for (int i = 0; bytes.hasRemaining(); i++) {
            byte b = bytes.get();
            for (int bit = 0; bit < 8; bit++) {
                if ((b & (1 << bit)) != 0) {
                    done.add(base + 1 + i * 8L + bit);
                }
            }
        }
        return done;
    }

    private static Set<Long> decodeRunLengths(long base, ByteBuffer bytes) {
        Set<Long> done = new HashSet<>();
        long offset = base + 1;
        while (bytes.hasRemaining()) {
            offset += readVarLong(bytes);
            long run = readVarLong(bytes);
            if (run < 0 || run > MAX_WINDOW * 2L) {
                return Set.of();
            }
            for (long i = 0; i < run; i++) {
                done.add(offset++);
            }
        }
        return done;
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarLong(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    /** The comma list of distances written before version 1 ({@code done:3,4,9}). */
    private static Set<Long> decodeLegacy(long base, String metadata) {
        Set<Long> offsets = new HashSet<>();
        for (String delta : metadata.substring(LEGACY_PREFIX.length()).split(",")) {
            try {
                offsets.add(base + Long.parseLong(delta));
            } catch (NumberFormatException e) {
                return Set.of();
            }
        }
        return offsets;
    }
}
