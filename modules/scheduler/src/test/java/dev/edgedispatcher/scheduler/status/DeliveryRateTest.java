package dev.edgedispatcher.scheduler.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.callback.Region;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Deliveries per second over the last 10 s, by the time each final event was written. */
class DeliveryRateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final DeliveryRate rate = new DeliveryRate(now::get);

    @Test
    void countsTheLastTenSecondsPerRegionAndAccount() {
        for (int i = 0; i < 30; i++) {
            rate.delivered("acme", Region.FRANKFURT, now.get() - 9_000 + i * 100);
        }
        rate.delivered("globex", Region.FRANKFURT, now.get());
        rate.delivered("acme", Region.MUMBAI, now.get());

        assertThat(rate.perSecond(Region.FRANKFURT, Optional.empty())).isEqualTo(3.1);
        assertThat(rate.perSecond(Region.FRANKFURT, Optional.of("acme"))).isEqualTo(3.0);
        assertThat(rate.perSecond(Region.FRANKFURT, Optional.of("globex"))).isEqualTo(0.1);
        assertThat(rate.perSecond(Region.MUMBAI, Optional.empty())).isEqualTo(0.1);
        assertThat(rate.perSecond(Region.SINGAPORE, Optional.empty())).isZero();

        now.addAndGet(20_000);
        assertThat(rate.perSecond(Region.FRANKFURT, Optional.empty())).isZero();
    }

    @Test
    void eventsOlderThanTheWindowAsARebuildReadsThemDoNotCount() {
        rate.delivered("acme", Region.SINGAPORE, now.get() - 60_000);
        rate.delivered("acme", Region.SINGAPORE, now.get() - 10_500);
        assertThat(rate.perSecond(Region.SINGAPORE, Optional.empty())).isZero();

        // A clock a little behind the worker's: counted as now, not lost.
        rate.delivered("acme", Region.SINGAPORE, now.get() + 1_500);
        assertThat(rate.perSecond(Region.SINGAPORE, Optional.empty())).isEqualTo(0.1);
    }

    @Test
    void aBucketIsReusedForItsNewSecondRatherThanAddedTo() {
        rate.delivered(null, Region.N_CALIFORNIA, now.get());
        now.addAndGet(12_000); // the ring wraps: the same slot, a new second
        rate.delivered(null, Region.N_CALIFORNIA, now.get());
        assertThat(rate.perSecond(Region.N_CALIFORNIA, Optional.empty())).isEqualTo(0.1);
    }
}
