package dev.edgedispatcher.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.worker.consume.OffsetMapCodec;
import dev.edgedispatcher.worker.consume.PartitionProgress;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    private static final TopicPartition P = new TopicPartition("webhooks.region.frankfurt", 3);

    @Test
    void commitsOnlyUpToTheLowestUnfinishedOffsetAndCarriesWhatIsDoneAbove() {
        PartitionProgress progress = new PartitionProgress();
        for (long offset = 10; offset < 15; offset++) {
            progress.started(P, offset);
        }
        progress.completed(P, 12);
        progress.completed(P, 14);
        OffsetAndMetadata first = progress.committable().get(P);
        assertThat(first.offset()).isEqualTo(10);
        assertThat(OffsetMapCodec.decode(10, first.metadata())).containsExactlyInAnyOrder(12L, 14L);
        assertThat(progress.committable()).isEmpty();
        progress.completed(P, 10);
        OffsetAndMetadata second = progress.committable().get(P);
        assertThat(second.offset()).isEqualTo(11);
        assertThat(OffsetMapCodec.decode(11, second.metadata())).containsExactlyInAnyOrder(12L, 14L);
        progress.completed(P, 11);
        progress.completed(P, 13);
        assertThat(progress.committable()).isEqualTo(Map.of(P, new OffsetAndMetadata(15, "")));
        assertThat(progress.inFlight()).isZero();
    }

    @Test
    void aNewOwnerSkipsWhatThePreviousOneFinished() {
        PartitionProgress next = new PartitionProgress();
        next.assigned(P, new OffsetAndMetadata(10, OffsetMapCodec.encode(10, new java.util.TreeSet<>(Set.of(12L, 14L)))));
        assertThat(next.alreadyDone(P, 10)).isFalse();
        assertThat(next.alreadyDone(P, 12)).isTrue();
        assertThat(next.alreadyDone(P, 14)).isTrue();
        assertThat(next.alreadyDone(P, 13)).isFalse();
    }

    @Test
    void theMetadataOfEarlierVersionsIsStillRead() {
        PartitionProgress next = new PartitionProgress();
        next.assigned(P, new OffsetAndMetadata(10, "done:2,4"));
        assertThat(next.alreadyDone(P, 12)).isTrue();
        assertThat(next.alreadyDone(P, 13)).isFalse();
    }

    @Test
    void completionsOfRevokedPartitionsAreIgnored() {
        PartitionProgress progress = new PartitionProgress();
        progress.started(P, 1);
        progress.revoke(java.util.List.of(P));
        progress.completed(P, 1);
        assertThat(progress.inFlight()).isZero();
        assertThat(progress.committable()).isEmpty();
    }

    @Test
    void foreignMetadataSkipsNothing() {
        PartitionProgress progress = new PartitionProgress();
        progress.assigned(P, new OffsetAndMetadata(10, "written by someone else"));
        assertThat(progress.alreadyDone(P, 10)).isFalse();
        assertThat(progress.alreadyDone(P, 11)).isFalse();
    }

    @Test
    void thousandsFinishedBehindOneStalledOffsetAllTravelInTheMetadata() {
        PartitionProgress big = new PartitionProgress();
        for (long offset = 0; offset < 20_000; offset++) {
            big.started(P, offset);
        }
        for (long offset = 1; offset < 20_000; offset++) {
            if (offset % 3 != 0) {
                big.completed(P, offset); // a pattern that run lengths encode badly
            }
        }
        OffsetAndMetadata commit = big.committable().get(P);
        assertThat(commit.offset()).isZero();
        assertThat(commit.metadata().length()).isLessThanOrEqualTo(4000);
        Set<Long> skipped = OffsetMapCodec.decode(0, commit.metadata());
        assertThat(skipped).hasSize(20_000 - 1 - 6666);
        assertThat(skipped).allSatisfy(offset -> assertThat(offset % 3).isNotZero());
    }

    @Test
    void aPartitionWhoseWindowWouldOverflowTheMetadataHasNoRoom() {
        PartitionProgress progress = new PartitionProgress();
        progress.started(P, 0);
        for (long offset = 1; offset < OffsetMapCodec.MAX_WINDOW - 1000; offset++) {
            progress.started(P, offset);
            progress.completed(P, offset);
        }
        assertThat(progress.withoutRoom()).containsExactly(P);
        progress.completed(P, 0);
        assertThat(progress.withoutRoom()).isEmpty();
    }

    @Test
    void aWindowHalfFullNamesTheOffsetsHoldingIt() {
        PartitionProgress progress = new PartitionProgress(1000);
        for (long offset = 0; offset < 600; offset++) {
            progress.started(P, offset);
            if (offset != 3 && offset != 7 && offset != 9) {
                progress.completed(P, offset);
            }
        }
        assertThat(progress.crowded(601, 10)).isEmpty();
        assertThat(progress.crowded(500, 2)).containsExactly(java.util.Map.entry(P, java.util.List.of(3L, 7L)));
        progress.completed(P, 3);
        progress.completed(P, 7);
        assertThat(progress.crowded(500, 10)).containsExactly(java.util.Map.entry(P, java.util.List.of(9L)));
        assertThat(progress.crowded(592, 10)).isEmpty(); // 9 to 600 is 591 records wide
        progress.completed(P, 9);
        assertThat(progress.crowded(1, 10)).isEmpty();
    }
}
