package dev.edgedispatcher.embeddedkafka;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A Kafka broker in a container (Testcontainers), for machines with a Docker engine. Loaded only
 * when asked for, so that Testcontainers stays an optional dependency.
 */
final class ContainerKafkaBroker implements AutoCloseable {

    /** The apache/kafka image matching the client and embedded broker line. */
    static final String IMAGE = "apache/kafka:4.1.0";

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaBroker start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("kafka.broker=testcontainers was asked for, but no Docker engine is reachable");
        }
        KafkaContainer container = new KafkaContainer(IMAGE).withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        container.start();
        return new ContainerKafkaBroker(container);
    }

    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
