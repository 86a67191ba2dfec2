package dev.edgedispatcher.embeddedpostgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;

/**
 * Databases for the job store on a PostgreSQL server reached with a superuser login: each with an
 * owner role that runs the migrations and a runtime role that the migrations grant row access to,
 * so the runtime role cannot change the schema. The same on the embedded server and on a server in
 * a container.
 */
public final class PostgresDatabases {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String host;
    private final int port;
    private final String superuser;
    private final String superPassword;

    public PostgresDatabases(String host, int port, String superuser, String superPassword) {
        this.host = host;
        this.port = port;
        this.superuser = superuser;
        this.superPassword = superPassword;
    }

    /**
     * The database {@code name} with its owner role ({@code <name>_owner}) and runtime role
     * ({@code <name>}), created on first use; the roles' passwords are set anew on every call (the
     * caller writes them where its processes read them).
     */
    public StoreCredentials database(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("database name must be lower case letters, digits and _, not " + name);
        }
        String owner = name + "_owner";
        String ownerPassword = newPassword();
        String runtimePassword = newPassword();
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            createOrAlterRole(statement, owner, ownerPassword);
            createOrAlterRole(statement, name, runtimePassword);
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + name + " OWNER " + owner);
            }
            statement.execute("REVOKE ALL ON DATABASE " + name + " FROM PUBLIC");
            statement.execute("GRANT CONNECT ON DATABASE " + name + " TO " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare database " + name + ": " + e.getMessage(), e);
        }
        try (Connection connection = superuser(name); Statement statement = connection.createStatement()) {
            // The runtime role reads and writes rows; only the owner changes the schema.
            statement.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            statement.execute("ALTER SCHEMA public OWNER TO " + owner);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare database " + name + ": " + e.getMessage(), e);
        }
        return new StoreCredentials(url(name), name, runtimePassword, owner, ownerPassword);
    }

    /** Drops a database made by {@link #database(String)}. */
    public void dropDatabase(String name) {
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop database " + name + ": " + e.getMessage(), e);
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private Connection superuser(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", superuser);
        properties.setProperty("password", superPassword);
        return DriverManager.getConnection(url(database), properties);
    }

    private static void createOrAlterRole(Statement statement, String role, String password) throws SQLException {
        var exists = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'");
        String verb = exists.next() ? "ALTER" : "CREATE";
        // Passwords are generated here from base64url characters: nothing to escape.
        statement.execute(verb + " ROLE " + role + " LOGIN PASSWORD '" + password + "'");
    }

    /** A random password of URL-safe letters and digits (no characters that need quoting anywhere). */
    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'x').replace('_', 'y');
    }
}
