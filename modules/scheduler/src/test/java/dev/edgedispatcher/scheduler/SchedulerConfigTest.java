package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgedispatcher.backbone.KafkaConnection;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The config's builder: defaults, changes from a base that keep the rest, and setters that refuse bad values. */
class SchedulerConfigTest {

    private static final KafkaConnection KAFKA = KafkaConnection.plaintext("127.0.0.1:9092");

    @Test
    void fromABaseChangesOnlyWhatIsSet() throws Exception {
        SchedulerConfig base = SchedulerConfig.custom(KAFKA, SchedulerApiTest.resolver()).port(0).host("0.0.0.0").build();
        SchedulerConfig changed = SchedulerConfig.from(base).knownAccounts(Set.of("acme")).build();
        assertThat(changed.port()).isZero();
        assertThat(changed.host()).isEqualTo("0.0.0.0");
        assertThat(changed.knownAccounts()).containsExactly("acme");
        assertThat(changed).isEqualTo(new SchedulerConfig(base.kafka(), base.host(), base.port(), base.layout(), base.resolver(),
                base.maxJobBytes(), base.maxBatchBytes(), base.httpInstances(), Set.of("acme"), base.jobStore(), base.frontDoor(),
                base.access(), base.regionalKafka(), base.stayingAccounts()));
        assertThat(base.withPort(9000)).isEqualTo(SchedulerConfig.from(base).port(9000).build());
    }

    @Test
    void aBadValueFailsWhereItIsSetSayingWhatIsAllowed() throws Exception {
        SchedulerConfig.Builder builder = SchedulerConfig.custom(KAFKA, SchedulerApiTest.resolver());
        assertThatThrownBy(() -> builder.port(70_000)).hasMessageContaining("0 (any free port) to 65535, not 70000");
        assertThatThrownBy(() -> builder.host(" ")).hasMessageContaining("host must be an address");
        assertThatThrownBy(() -> builder.httpInstances(0)).hasMessageContaining("at least 1, not 0");
        assertThatThrownBy(() -> builder.maxJobBytes(10)).hasMessageContaining("at least 1024 bytes, not 10");
        assertThatThrownBy(() -> builder.maxJobBytes(4096).maxBatchBytes(2048).build())
                .hasMessageContaining("must hold at least the largest job (4096 bytes)");
    }
}
