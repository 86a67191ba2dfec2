package dev.edgedispatcher.embeddedkafka;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same assertions as {@link EmbeddedKafkaBrokerTest} against Testcontainers' KafkaContainer.
 * Skipped where there is no Docker engine (these machines): there the embedded broker runs them.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerTest {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(ContainerKafkaBroker.IMAGE);

    @Test
    void recordsRoundTripThroughAContainerBroker() throws Exception {
        EmbeddedKafkaBrokerTest.createTopicAndProduceTen(KAFKA.getBootstrapServers());
        EmbeddedKafkaBrokerTest.assertTheTenAreThere(KAFKA.getBootstrapServers());
    }
}
