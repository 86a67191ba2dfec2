package dev.edgedispatcher.scheduler.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvictedIdsTest {

    @Test
    void remembersTheNewestGenerationAndDropsTheOldestWhole() {
        EvictedIds ids = new EvictedIds(1000);
        assertThat(ids.contains("job-0")).isFalse();
        IntStream.range(0, 3000).forEach(i -> ids.add("job-" + i));
        // Generations of 1000: [0,1000) dropped, [1000,2000) previous, [2000,3000) current.
        assertThat(IntStream.range(1000, 3000).allMatch(i -> ids.contains("job-" + i))).isTrue();
        assertThat(IntStream.range(0, 1000).filter(i -> ids.contains("job-" + i)).count()).isZero();
        assertThat(IntStream.range(0, 100_000).filter(i -> ids.contains("other-" + i)).count()).isZero();
        ids.add("job-2999");
        assertThat(ids.contains("job-2999")).isTrue();
    }
}
