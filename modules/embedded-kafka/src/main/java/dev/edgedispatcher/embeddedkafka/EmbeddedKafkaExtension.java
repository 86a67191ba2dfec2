package dev.edgedispatcher.embeddedkafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one real Kafka broker per test JVM, started on first use and stopped when the
 * JVM's tests are done. By default the in-JVM KRaft broker ({@link EmbeddedKafkaBroker}); with
 * {@code -Dkafka.broker=testcontainers} (or {@code KAFKA_TEST_BROKER=testcontainers}) on a machine
 * with a Docker engine, Testcontainers' {@code KafkaContainer}. The tests do not change. Tests read
 * the address with {@link #bootstrapServers()} and create the topics they use (auto-creation is off).
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback {

    private static String bootstrapServers;
    private static AutoCloseable broker;
    private static Path dataDir;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (EmbeddedKafkaExtension.class) {
            if (broker == null) {
                String choice = System.getProperty("kafka.broker", System.getenv().getOrDefault("KAFKA_TEST_BROKER", "embedded"));
                if (choice.equals("testcontainers")) {
                    ContainerKafkaBroker container = ContainerKafkaBroker.start();
                    broker = container;
                    bootstrapServers = container.bootstrapServers();
                } else {
                    dataDir = Files.createTempDirectory("embedded-kafka-test");
                    EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.start(dataDir, 0);
                    broker = embedded;
                    bootstrapServers = embedded.bootstrapServers();
                }
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(EmbeddedKafkaExtension.class.getName(), (AutoCloseable) EmbeddedKafkaExtension::stop);
            }
        }
    }

    /** The shared broker's bootstrap address; the extension must be registered on the test class. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("register @ExtendWith(EmbeddedKafkaExtension.class) on the test class");
        }
        return bootstrapServers;
    }

    private static synchronized void stop() throws Exception {
        broker.close();
        broker = null;
        deleteRecursively(dataDir);
    }

    /** Deletes a directory tree; used for test data. */
    public static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
