package dev.edgedispatcher.embeddedpostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one real PostgreSQL server per test JVM ({@link EmbeddedPostgresServer}),
 * started on first use and stopped when the JVM's tests are done. Each test asks for a database of
 * its own with {@link #newDatabase()}, so tests never see each other's rows.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback {

    private static EmbeddedPostgresServer server;
    private static Path dataDir;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (EmbeddedPostgresExtension.class) {
            if (server == null) {
                dataDir = Files.createTempDirectory("embedded-postgres-test");
                server = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(EmbeddedPostgresExtension.class.getName(), (AutoCloseable) EmbeddedPostgresExtension::stop);
            }
        }
    }

    /** A new, empty database with its own owner and runtime roles. */
    public static synchronized StoreCredentials newDatabase() {
        return server().database("test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
    }

    /**
     * The shared server: started by the extension, or on first use by a test that did not register
     * it (then stopped when the JVM exits).
     */
    public static synchronized EmbeddedPostgresServer server() {
        if (server == null) {
            try {
                dataDir = Files.createTempDirectory("embedded-postgres-test");
                server = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the test PostgreSQL server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stop();
                } catch (Exception e) {
                    // the JVM is exiting
                }
            }));
        }
        return server;
    }

    private static synchronized void stop() throws Exception {
        if (server == null) {
            return;
        }
        server.close();
        server = null;
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
