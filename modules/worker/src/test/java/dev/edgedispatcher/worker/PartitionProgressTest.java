package dev.edgedispatcher.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.worker.consume.PartitionProgress;
import java.util.Map;
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
        assertThat(progress.committable()).isEqualTo(Map.of(P, new OffsetAndMetadata(10, "done:2,4")));
        assertThat(progress.committable()).isEmpty();
        progress.completed(P, 10);
        assertThat(progress.committable()).isEqualTo(Map.of(P, new OffsetAndMetadata(11, "done:1,3")));
        progress.completed(P, 11);
        progress.completed(P, 13);
        assertThat(progress.committable()).isEqualTo(Map.of(P, new OffsetAndMetadata(15, "")));
        assertThat(progress.inFlight()).isZero();
    }

    @Test
    void aNewOwnerSkipsWhatThePreviousOneFinished() {
        PartitionProgress next = new PartitionProgress();
        next.assigned(P, new OffsetAndMetadata(10, "done:2,4"));
        assertThat(next.alreadyDone(P, 10)).isFalse();
        assertThat(next.alreadyDone(P, 12)).isTrue();
        assertThat(next.alreadyDone(P, 14)).isTrue();
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
    void foreignOrOversizedMetadataNeverSkipsTooMuch() {
        PartitionProgress progress = new PartitionProgress();
        progress.assigned(P, new OffsetAndMetadata(10, "written by someone else"));
        assertThat(progress.alreadyDone(P, 10)).isFalse();
        PartitionProgress big = new PartitionProgress();
        for (long offset = 0; offset < 5000; offset++) {
            big.started(P, offset);
        }
        for (long offset = 1; offset < 5000; offset++) {
            big.completed(P, offset);
        }
        OffsetAndMetadata commit = big.committable().get(P);
        assertThat(commit.offset()).isZero();
        assertThat(commit.metadata().length()).isLessThanOrEqualTo(3000);
    }
}
