package dev.edgedispatcher.store;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach the job store and how long it keeps things. Read from a properties file
 * ({@code --job-store-config}): {@code url} (JDBC, without credentials), {@code user},
 * {@code password}, optionally {@code migration-user} and {@code migration-password} (the role that
 * owns the schema and runs the migrations; without them {@code user} does); every other key goes to
 * the JDBC driver ({@code ssl}, {@code sslmode}, {@code sslrootcert}, ...). The environment
 * variables {@code DISPATCHER_JOB_STORE_USER}, {@code DISPATCHER_JOB_STORE_PASSWORD},
 * {@code DISPATCHER_JOB_STORE_MIGRATION_USER} and {@code DISPATCHER_JOB_STORE_MIGRATION_PASSWORD}
 * override the file.
 *
 * @param retention how long jobs, attempts and outcomes are kept (whole days: partitions are days)
 * @param idempotencyWindow how long a client's id is accepted only once
 * @param claimRecoveryAfter how long a claim whose publish was never confirmed waits before it can be
 *     recovered; longer than any producer's delivery timeout
 */
public record JobStoreConfig(String url, String user, String password, String migrationUser, String migrationPassword,
        Properties driverProperties, Duration retention, Duration idempotencyWindow, Duration claimRecoveryAfter,
        int poolSize) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /**
     * Six times the producers' delivery timeout (5 s, {@code KafkaClientSettings.DELIVERY_TIMEOUT_MS}):
     * by then a producer that has not been acknowledged has given up for good.
     */
    public static final Duration DEFAULT_CLAIM_RECOVERY_AFTER = Duration.ofSeconds(30);
    public static final int DEFAULT_POOL_SIZE = 8;

    public JobStoreConfig {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("job store url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db),"
                    + " not " + url);
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("job store user is missing: set user in the file or DISPATCHER_JOB_STORE_USER");
        }
        if (password == null) {
            throw new IllegalArgumentException("job store password is missing: set password in the file or"
                    + " DISPATCHER_JOB_STORE_PASSWORD");
        }
        if (migrationUser == null || migrationUser.isBlank()) {
            migrationUser = user;
            migrationPassword = password;
        }
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("retention must be at least 1d (partitions are days), not " + retention);
        }
        if (idempotencyWindow.isNegative() || idempotencyWindow.isZero() || idempotencyWindow.compareTo(retention) > 0) {
            throw new IllegalArgumentException("idempotency window must be positive and at most the retention (" + retention
                    + "), not " + idempotencyWindow);
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("job store pool size must be at least 2, not " + poolSize);
        }
        driverProperties = copy(driverProperties);
    }

    /** Reads {@code file}, then the environment's overrides, with the default durations. */
    public static JobStoreConfig load(Path file, Map<String, String> env) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        String url = (String) properties.remove("url");
        if (url == null) {
            throw new IllegalArgumentException(file + ": url is missing (jdbc:postgresql://host:port/database)");
        }
        String user = env.getOrDefault("DISPATCHER_JOB_STORE_USER", (String) properties.remove("user"));
        String password = env.getOrDefault("DISPATCHER_JOB_STORE_PASSWORD", (String) properties.remove("password"));
        String migrationUser = env.getOrDefault("DISPATCHER_JOB_STORE_MIGRATION_USER",
                (String) properties.remove("migration-user"));
        String migrationPassword = env.getOrDefault("DISPATCHER_JOB_STORE_MIGRATION_PASSWORD",
                (String) properties.remove("migration-password"));
        properties.remove("user");
        properties.remove("password");
        properties.remove("migration-user");
        properties.remove("migration-password");
        return new JobStoreConfig(url.strip(), user, password, migrationUser, migrationPassword, properties,
                DEFAULT_RETENTION, DEFAULT_IDEMPOTENCY_WINDOW, DEFAULT_CLAIM_RECOVERY_AFTER, DEFAULT_POOL_SIZE);
    }

    /** From the credentials properties of a server made here (tests, {@code up}). */
    public static JobStoreConfig of(Properties credentials) {
        Properties rest = copy(credentials);
        String url = (String) rest.remove("url");
        String user = (String) rest.remove("user");
        String password = (String) rest.remove("password");
        String migrationUser = (String) rest.remove("migration-user");
        String migrationPassword = (String) rest.remove("migration-password");
        return new JobStoreConfig(url, user, password, migrationUser, migrationPassword, rest, DEFAULT_RETENTION,
                DEFAULT_IDEMPOTENCY_WINDOW, DEFAULT_CLAIM_RECOVERY_AFTER, DEFAULT_POOL_SIZE);
    }

    public JobStoreConfig withRetention(Duration newRetention, Duration newWindow) {
        return new JobStoreConfig(url, user, password, migrationUser, migrationPassword, driverProperties, newRetention,
                newWindow, claimRecoveryAfter, poolSize);
    }

    public JobStoreConfig withClaimRecoveryAfter(Duration after) {
        return new JobStoreConfig(url, user, password, migrationUser, migrationPassword, driverProperties, retention,
                idempotencyWindow, after, poolSize);
    }

    /** Whole days of retention (rounded up): partitions are days. */
    public int retentionDays() {
        return (int) Math.max(1, (retention.toHours() + 23) / 24);
    }

    /** Whole days the claims are kept: the idempotency window, rounded up. */
    public int claimDays() {
        return (int) Math.max(1, (idempotencyWindow.toHours() + 23) / 24);
    }

    @Override
    public String toString() {
        // Never the passwords.
        return "JobStoreConfig[url=" + url + ", user=" + user + ", migrationUser=" + migrationUser + ", retention="
                + retention + ", idempotencyWindow=" + idempotencyWindow + "]";
    }

    private static Properties copy(Properties from) {
        Properties to = new Properties();
        if (from != null) {
            from.forEach(to::put);
        }
        return to;
    }
}
