package dev.edgedispatcher.embeddedpostgres;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The roles and version assertions of {@link EmbeddedPostgresServerTest} against a PostgreSQL
 * container. Skipped where there is no Docker engine (these machines): there the embedded server
 * runs them, and every job-store test runs on it.
 */
@Testcontainers(disabledWithoutDocker = true)
class PostgresContainerTest {

    @Test
    void aContainerServerGivesDatabasesWithTheirRolesApart() throws Exception {
        try (ContainerPostgres server = ContainerPostgres.start()) {
            EmbeddedPostgresServerTest.assertPostgres17WithRolesApart(server.databases().database("dispatcher"));
        }
    }
}
