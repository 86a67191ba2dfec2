package dev.edgedispatcher.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {

    @Test
    void theFilesSettingsReachEveryClientAndItsBootstrapGivesWayToTheFlag(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, """
                bootstrap.servers=from-file:9093
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                request.timeout.ms=7000
                """);
        KafkaConnection kafka = KafkaConnection.fromFile("flag:9092", file);

        for (Map<String, Object> client : java.util.List.of(KafkaClientSettings.producer(kafka, "p"),
                KafkaClientSettings.consumer(kafka, "g", "c"), KafkaClientSettings.admin(kafka))) {
            assertThat(client).containsEntry("bootstrap.servers", "flag:9092").containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("request.timeout.ms", "7000");
        }
        assertThat(KafkaClientSettings.producer(kafka, "p")).containsEntry("acks", "all").containsEntry("enable.idempotence", true);
        assertThat(KafkaConnection.fromFile(null, file).bootstrapServers()).isEqualTo("from-file:9093");
        assertThat(kafka.describe()).isEqualTo("flag:9092 (SASL_SSL)");
    }

    @Test
    void aFileMayNotWeakenDeliveryGuaranteesOrRenameGroups(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SSL\nacks=1\ngroup.id=mine\n");

        assertThatThrownBy(() -> KafkaConnection.fromFile("b:9092", file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": the Kafka client settings may not set [acks, group.id]: the dispatcher sets them itself"
                        + " (delivery guarantees, serialisation, groups)");
    }

    @Test
    void credentialsAndAclsAreFatalAndNamed() {
        assertThat(KafkaAccessDenied.of(new ExecutionException(new SaslAuthenticationException("invalid credentials")),
                "reading x")).get().satisfies(denied -> {
                    assertThat(denied.kind()).isEqualTo(KafkaAccessDenied.Kind.AUTHENTICATION);
                    assertThat(denied.getMessage()).isEqualTo("Kafka authentication failed while reading x (check the user"
                            + " and password or certificate in --kafka-config): invalid credentials");
                });
        assertThat(KafkaAccessDenied.of(new KafkaException(GroupAuthorizationException.forGroupId("g1")), "reading t"))
                .get().extracting(Throwable::getMessage).asString()
                .startsWith("Kafka authorisation failed while reading t: this user has no ACL for consumer group g1 (");
        assertThat(KafkaAccessDenied.of(new CompletionException(new TopicAuthorizationException(Set.of("t1"))), "writing to t1"))
                .get().extracting(KafkaAccessDenied::kind).isEqualTo(KafkaAccessDenied.Kind.AUTHORISATION);
        assertThat(KafkaAccessDenied.of(new TopicAuthorizationException(Set.of("t1")), "writing to t1").get().getMessage())
                .contains("no ACL for topic t1");
    }

    @Test
    void transientErrorsAreNot() {
        assertThat(KafkaAccessDenied.of(new TimeoutException("no leader"), "reading")).isEmpty();
        assertThat(KafkaAccessDenied.of(new IllegalStateException("x", new java.io.IOException("reset")), "reading")).isEmpty();
    }
}
