package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresExtension;
import dev.edgedispatcher.store.JobStoreConfig;

/** Job stores for tests: a new database on the shared real PostgreSQL server, per call. */
public final class TestStores {

    private TestStores() {
    }

    public static JobStoreConfig fresh() {
        return JobStoreConfig.of(EmbeddedPostgresExtension.newDatabase().asProperties());
    }
}
