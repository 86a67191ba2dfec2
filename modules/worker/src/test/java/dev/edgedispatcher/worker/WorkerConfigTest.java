package dev.edgedispatcher.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worker config's builder: changes from a base keep the rest; setters refuse bad values, naming what is allowed. */
class WorkerConfigTest {

    private static WorkerConfig.Builder custom() {
        return WorkerConfig.custom(KafkaConnection.plaintext("127.0.0.1:9092"), Set.of(Region.FRANKFURT),
                Accounts.withDefault("t"), List.of(Cidr.parse("127.0.0.0/8")));
    }

    @Test
    void fromABaseChangesOnlyWhatIsSet() {
        WorkerConfig base = custom().retryBackoff(Duration.ofMillis(200)).eventLoops(2).build();
        WorkerConfig changed = WorkerConfig.from(base).metricsPort(0).build();
        assertThat(changed.retryBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(changed.eventLoops()).isEqualTo(2);
        assertThat(changed.metricsPort()).isZero();
        assertThat(base.withMetricsPort(0)).isEqualTo(changed);
        assertThat(custom().build().retryBackoff()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aBadValueFailsWhereItIsSetSayingWhatIsAllowed() {
        assertThatThrownBy(() -> custom().maxInFlight(0)).hasMessageContaining("at least 1, not 0");
        assertThatThrownBy(() -> custom().retryBackoff(Duration.ofMillis(-1))).hasMessageContaining("from 0 to 60 s");
        assertThatThrownBy(() -> custom().metricsPort(-2)).hasMessageContaining("-1 (none), 0 (any free port)");
        assertThatThrownBy(() -> custom().eventLoops(0)).hasMessageContaining("event loops must be at least 1");
    }
}
