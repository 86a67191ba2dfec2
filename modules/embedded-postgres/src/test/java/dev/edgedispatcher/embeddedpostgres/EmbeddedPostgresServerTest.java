package dev.edgedispatcher.embeddedpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void runsPostgres17WithPasswordsOnlyAndKeepsDataAcrossRestarts() throws Exception {
        Path data = dir.resolve("postgres");
        StoreCredentials first;
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0)) {
            first = server.database("dispatcher");
            assertPostgres17WithRolesApart(first);
            try (Connection owner = connect(first.url(), first.migrationUser(), first.migrationPassword());
                    Statement statement = owner.createStatement()) {
                statement.execute("CREATE TABLE kept (n int)");
                statement.execute("INSERT INTO kept VALUES (42)");
                ResultSet listen = statement.executeQuery("SELECT current_setting('listen_addresses')");
                listen.next();
                assertThat(listen.getString(1)).isEqualTo("127.0.0.1");
            }
        }
        assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
        assertThat(Files.getPosixFilePermissions(dir.resolve("postgres.superuser-password")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data, 0)) {
            StoreCredentials second = again.database("dispatcher");
            try (Connection owner = connect(second.url(), second.migrationUser(), second.migrationPassword());
                    Statement statement = owner.createStatement()) {
                ResultSet kept = statement.executeQuery("SELECT n FROM kept");
                assertThat(kept.next()).isTrue();
                assertThat(kept.getInt(1)).isEqualTo(42);
            }
        }
    }

    /**
     * What every server the tests use must show (the embedded one here, a container's in
     * {@link PostgresContainerTest}): PostgreSQL 17, no login without the right password, and a
     * runtime role that cannot change the schema its owner role can.
     */
    static void assertPostgres17WithRolesApart(StoreCredentials credentials) throws SQLException {
        try (Connection owner = connect(credentials.url(), credentials.migrationUser(), credentials.migrationPassword());
                Statement statement = owner.createStatement()) {
            ResultSet version = statement.executeQuery("SHOW server_version_num");
            version.next();
            assertThat(version.getInt(1)).isBetween(170000, 179999);
            statement.execute("CREATE TABLE owned (n int)");
            statement.execute("DROP TABLE owned");
        }
        assertThatThrownBy(() -> connect(credentials.url(), "postgres", "wrong").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> connect(credentials.url(), credentials.user(), "").close()).isInstanceOf(SQLException.class);
        try (Connection runtime = connect(credentials.url(), credentials.user(), credentials.password());
                Statement statement = runtime.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE TABLE nope (n int)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(url, properties);
    }
}
