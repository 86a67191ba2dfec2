package dev.edgedispatcher.app;

import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresExtension;
import java.io.IOException;
import java.nio.file.Path;

/** A job store for a `dispatcher scheduler` process under test: a new database on the shared real PostgreSQL, as a config file. */
final class TestJobStores {

    private TestJobStores() {
    }

    /** Writes the credentials of a new database to {@code dir/job-store.properties} and returns the file. */
    static Path newStoreFile(Path dir) throws IOException {
        Path file = dir.resolve("job-store.properties");
        EmbeddedPostgresExtension.newDatabase().writeTo(file, "a test's job store");
        return file;
    }
}
