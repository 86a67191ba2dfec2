package dev.edgedispatcher.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.worker.consume.OffsetMapCodec;
import java.util.Base64;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OffsetMapCodecTest {

    @Test
    void roundTripsRandomSetsWhicheverEncodingWins() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            long base = random.nextInt(1_000_000);
            TreeSet<Long> done = new TreeSet<>();
            int span = 1 + random.nextInt(20_000);
            double density = random.nextDouble();
            for (long offset = base + 1; offset <= base + span; offset++) {
                if (random.nextDouble() < density) {
                    done.add(offset);
                }
            }
            String metadata = OffsetMapCodec.encode(base, done);
            assertThat(metadata.length()).isLessThanOrEqualTo(4000);
            assertThat(OffsetMapCodec.decode(base, metadata)).isEqualTo(done);
        }
    }

    @Test
    void aLongContiguousRunIsWrittenAsRunLengthsAndASparseMixAsABitset() {
        TreeSet<Long> run = new TreeSet<>();
        for (long offset = 101; offset <= 5100; offset++) {
            run.add(offset);
        }
        byte[] runBytes = Base64.getUrlDecoder().decode(OffsetMapCodec.encode(100, run));
        assertThat(runBytes[0]).isEqualTo((byte) 1); // version
        assertThat(runBytes[1]).isEqualTo((byte) 2); // run lengths
        assertThat(runBytes.length).isLessThan(10);

        TreeSet<Long> alternating = new TreeSet<>();
        for (long offset = 1; offset <= 5000; offset += 2) {
            alternating.add(offset);
        }
        byte[] bitBytes = Base64.getUrlDecoder().decode(OffsetMapCodec.encode(0, alternating));
        assertThat(bitBytes[1]).isEqualTo((byte) 1); // bitset
        assertThat(bitBytes.length).isEqualTo(2 + 5000 / 8);
    }

    @Test
    void nothingDoneIsEmptyAndGarbageSkipsNothing() {
        assertThat(OffsetMapCodec.encode(5, new TreeSet<>())).isEmpty();
        assertThat(OffsetMapCodec.decode(5, "")).isEmpty();
        assertThat(OffsetMapCodec.decode(5, "%%%not base64")).isEmpty();
        assertThat(OffsetMapCodec.decode(5, Base64.getUrlEncoder().encodeToString(new byte[] {9, 1, 1}))).isEmpty();
    }

    @Test
    void aWindowWiderThanTheMetadataCanHoldIsCutNotOverflowed() {
        TreeSet<Long> done = new TreeSet<>();
        for (long offset = 1; offset <= OffsetMapCodec.MAX_WINDOW + 5000; offset += 2) {
            done.add(offset);
        }
        String metadata = OffsetMapCodec.encode(0, done);
        assertThat(metadata.length()).isLessThanOrEqualTo(4000);
        assertThat(OffsetMapCodec.decode(0, metadata)).isSubsetOf(done).contains(1L, (long) OffsetMapCodec.MAX_WINDOW - 1);
    }
}
