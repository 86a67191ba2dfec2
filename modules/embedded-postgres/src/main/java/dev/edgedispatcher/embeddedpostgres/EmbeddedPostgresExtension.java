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
 * JUnit 5 extension: one real PostgreSQL server per test JVM, started on first use and stopped when
 * the JVM's tests are done. By default the embedded server ({@link EmbeddedPostgresServer}); with
 * {@code -Djob.store.server=testcontainers} (or {@code JOB_STORE_TEST_SERVER=testcontainers}) on a
 * machine with a Docker engine, Testcontainers' {@code PostgreSQLContainer}. The tests do not
 * change. Each test asks for a database of its own with {@link #newDatabase()}, so tests never see
 * each other's rows.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback {

    private static AutoCloseable server;
    private static PostgresDatabases databases;
    private static Path dataDir;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (EmbeddedPostgresExtension.class) {
            if (server == null) {
                start();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(EmbeddedPostgresExtension.class.getName(), (AutoCloseable) EmbeddedPostgresExtension::stop);
            }
        }
    }

    /**
     * A new, empty database with its own owner and runtime roles, on the shared server (started
     * here by a test that did not register the extension; then stopped when the JVM exits).
     */
    public static synchronized StoreCredentials newDatabase() {
        if (server == null) {
            start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stop();
                } catch (Exception e) {
                    // the JVM is exiting
                }
            }));
        }
        return databases.database("test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
    }

    /** Drops a database made by {@link #newDatabase()}, its sessions ended: the store is gone. */
    public static synchronized void dropDatabase(StoreCredentials credentials) {
        databases.dropDatabase(credentials.user());
    }

    private static void start() {
        String choice = System.getProperty("job.store.server", System.getenv().getOrDefault("JOB_STORE_TEST_SERVER", "embedded"));
        if (choice.equals("testcontainers")) {
            ContainerPostgres container = ContainerPostgres.start();
            server = container;
            databases = container.databases();
            return;
        }
        try {
            dataDir = Files.createTempDirectory("embedded-postgres-test");
            EmbeddedPostgresServer embedded = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
            server = embedded;
            databases = embedded.databases();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the test PostgreSQL server", e);
        }
    }

    private static synchronized void stop() throws Exception {
        if (server == null) {
            return;
        }
        server.close();
        server = null;
        if (dataDir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        dataDir = null;
    }
}
