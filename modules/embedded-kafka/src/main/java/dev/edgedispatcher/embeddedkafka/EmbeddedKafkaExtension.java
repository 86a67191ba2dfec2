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
 * JUnit 5 extension: one real embedded Kafka broker per test JVM, started on first use and stopped
 * (its temporary data deleted) when the JVM's tests are done. Tests read the address with
 * {@link #bootstrapServers()}. Tests must create the topics they use (auto-creation is off).
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback {

    private static EmbeddedKafkaBroker broker;
    private static Path dataDir;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (EmbeddedKafkaExtension.class) {
            if (broker == null) {
                dataDir = Files.createTempDirectory("embedded-kafka-test");
                broker = EmbeddedKafkaBroker.start(dataDir, 0);
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
        return broker.bootstrapServers();
    }

    private static synchronized void stop() {
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
