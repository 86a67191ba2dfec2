package dev.edgedispatcher.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final KeyRateLimiter limiter = new KeyRateLimiter(new RateLimit(10, 20), now::get);

    @Test
    void aBurstPassesThenTheRateRefillsPerKey() {
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.tryTake("k1", 1)).as("request %d", i).isZero();
        }
        assertThat(limiter.tryTake("k1", 1)).isEqualTo(100); // one token at 10/s
        assertThat(limiter.tryTake("k2", 1)).isZero(); // another key has its own bucket
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250)); // 2.5 tokens
        assertThat(limiter.tryTake("k1", 1)).isZero();
        assertThat(limiter.tryTake("k1", 1)).isZero();
        assertThat(limiter.tryTake("k1", 1)).isEqualTo(50);
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(limiter.tryTake("k1", 20)).isZero(); // refilled to the burst, not beyond
        assertThat(limiter.tryTake("k1", 1)).isEqualTo(100);
    }

    @Test
    void aBatchIsGrantedOneTokenPerJobAndNoMoreThanTheBucketHolds() {
        assertThat(limiter.takeUpTo("b", 15)).isEqualTo(new KeyRateLimiter.Grant(15, 0));
        // 5 left: 5 of 1,000 granted, the rest refused; one more token in 100 ms at 10/s.
        assertThat(limiter.takeUpTo("b", 1000)).isEqualTo(new KeyRateLimiter.Grant(5, 100));
        assertThat(limiter.takeUpTo("b", 1)).isEqualTo(new KeyRateLimiter.Grant(0, 100));
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        // Never more than the burst, however long the key was idle: a 1,000-job batch is not 20 tokens' worth.
        assertThat(limiter.takeUpTo("b", 1000).granted()).isEqualTo(20);
    }

    @Test
    void aCostIsTakenWholeAndOneAboveTheBurstIsNeverGranted() {
        assertThat(limiter.tryTake("k", 15)).isZero();
        assertThat(limiter.tryTake("k", 10)).isEqualTo(500); // 5 left, 5 more at 10/s
        assertThat(limiter.tryTake("k", 5)).isZero();
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(limiter.tryTake("k", 1000)).isEqualTo(Long.MAX_VALUE); // above the burst: never, and nothing taken
        assertThat(limiter.tryTake("k", 20)).isZero(); // the whole bucket (2 s at 10/s refilled it)
        assertThat(limiter.tryTake("k", 1)).isEqualTo(100);
    }

    @Test
    void rateLimitsParse() {
        assertThat(RateLimit.parse("100/s", null)).isEqualTo(new RateLimit(100, 200));
        assertThat(RateLimit.parse("0.5/s", null)).isEqualTo(new RateLimit(0.5, 1));
        assertThat(RateLimit.parse("20", 5)).isEqualTo(new RateLimit(20, 5));
        assertThatThrownBy(() -> RateLimit.parse("fast", null)).hasMessageContaining("N/s");
        assertThatThrownBy(() -> RateLimit.parse("0/s", null)).hasMessageContaining("positive");
    }
}
