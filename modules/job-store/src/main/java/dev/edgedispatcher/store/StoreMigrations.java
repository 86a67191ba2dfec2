package dev.edgedispatcher.store;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to this version with Flyway, as the owner role. Flyway takes a PostgreSQL
 * advisory lock for the run, so of several replicas starting together one migrates and the others
 * wait and then find nothing to do; a version already applied is never applied again. Migrations
 * only add (new tables, columns with defaults, functions): a replica of the previous version keeps
 * working against the new schema during a rolling upgrade.
 */
final class StoreMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(StoreMigrations.class);

    private StoreMigrations() {
    }

    static void migrate(JobStoreConfig config) {
        Flyway flyway = Flyway.configure()
                .dataSource(config.url(), config.migrationUser(), config.migrationPassword())
                .locations("classpath:db/migration")
                .placeholders(Map.of("runtime_role", config.user()))
                .connectRetries(3)
                .load();
        MigrateResult result = flyway.migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("job store schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
                    result.migrationsExecuted);
        } else {
            LOG.info("job store schema is at version {}", flyway.info().current() == null ? "none"
                    : flyway.info().current().getVersion());
        }
    }
}
