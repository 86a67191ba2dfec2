package dev.edgedispatcher.backbone.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoopHealthTest {

    private final AtomicLong now = new AtomicLong();
    private final LoopHealth loop = new LoopHealth("intake", 30_000, now::get);

    @Test
    void notReadyUntilKafkaAnswersButLive() {
        assertThat(loop.liveness().up()).isTrue();
        assertThat(loop.readiness()).isEqualTo(ComponentStatus.down("not connected to Kafka yet"));
        loop.kafkaOk();
        assertThat(loop.readiness().up()).isTrue();
    }

    @Test
    void aFailingKafkaCallMakesItUnreadyButStillLive() {
        loop.kafkaOk();
        loop.kafkaFailing("broker 127.0.0.1:9092 unreachable");
        assertThat(loop.liveness().up()).isTrue();
        assertThat(loop.readiness().detail()).contains("unreachable");
    }

    @Test
    void aLoopThatStopsBeatingIsNotLive() {
        loop.kafkaOk();
        now.addAndGet(TimeUnit.SECONDS.toNanos(31));
        assertThat(loop.liveness().up()).isFalse();
        assertThat(loop.liveness().detail()).startsWith("no progress for 31000 ms");
        assertThat(loop.readiness().up()).isFalse();
        loop.beat();
        assertThat(loop.liveness().up()).isTrue();
    }

    @Test
    void aStoppedLoopIsDownForGood() {
        loop.kafkaOk();
        loop.stopped("NullPointerException in poll");
        assertThat(loop.liveness()).isEqualTo(ComponentStatus.down("stopped: NullPointerException in poll"));
    }

    @Test
    void theReportIsDownWhenAnyComponentIs() {
        LoopHealth other = new LoopHealth("store-sink", 30_000, now::get);
        other.kafkaOk();
        loop.kafkaOk();
        HealthChecks checks = new HealthChecks().add(loop).add(other);
        assertThat(checks.report(Probe.READY).httpStatus()).isEqualTo(200);
        other.kafkaFailing("timeout");
        HealthReport ready = checks.report(Probe.READY);
        assertThat(ready.httpStatus()).isEqualTo(503);
        assertThat(new String(ready.toJson())).isEqualTo(
                "{\"status\":\"down\",\"components\":{\"intake\":{\"status\":\"up\",\"detail\":\"connected\"},"
                        + "\"store-sink\":{\"status\":\"down\",\"detail\":\"timeout\"}}}");
        assertThat(checks.report(Probe.LIVE).httpStatus()).isEqualTo(200);
    }
}
