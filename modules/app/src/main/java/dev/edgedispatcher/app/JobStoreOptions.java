package dev.edgedispatcher.app;

import dev.edgedispatcher.store.JobStoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Where the job store is and how long it keeps things; shared by `scheduler` and `up`. */
final class JobStoreOptions {

    @Option(names = "--job-store-config", paramLabel = "FILE",
            description = {"Properties file of the job store (PostgreSQL): url (JDBC, without credentials), user, password"
                            + " and optionally migration-user, migration-password (the schema's owner).",
                    "Other keys go to the JDBC driver (ssl, sslmode, sslrootcert, ...).",
                    "DISPATCHER_JOB_STORE_USER, DISPATCHER_JOB_STORE_PASSWORD, DISPATCHER_JOB_STORE_MIGRATION_USER and"
                            + " DISPATCHER_JOB_STORE_MIGRATION_PASSWORD override the file.",
                    "`scheduler` requires it; `up` without it runs a PostgreSQL server of its own (data in"
                            + " <data-dir>/postgres) and writes <data-dir>/job-store.properties."})
    Path jobStoreConfig;

    @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "7d", converter = DurationConverter.class,
            description = "How long jobs, their attempts and outcomes are kept (whole days; default: ${DEFAULT-VALUE}).")
    Duration retention;

    @Option(names = "--idempotency-window", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "How long a client's job id is accepted only once (default: ${DEFAULT-VALUE}; at most --retention).")
    Duration idempotencyWindow;

    /** The store of {@code --job-store-config} with these durations. */
    JobStoreConfig load() throws IOException {
        return tune(JobStoreConfig.load(jobStoreConfig, System.getenv()));
    }

    JobStoreConfig tune(JobStoreConfig config) {
        return config.withRetention(retention, idempotencyWindow);
    }

    /** Durations as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d)");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + value + "' is not a duration: use a number and a unit, such as"
                        + " 30s, 15m, 24h or 7d");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
    }
}
