package dev.edgedispatcher.resolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real DB-IP data for tests: fetched on first use with {@code scripts/fetch-geoip}, exactly as a
 * user's first {@code dispatcher} run does. A test that needs it fails (never skips) when it cannot
 * be had.
 */
public final class GeoIpTestData {

    private static DbIpCityDatabase database;

    private GeoIpTestData() {
    }

    public static synchronized DbIpCityDatabase database() throws IOException, InterruptedException {
        if (database == null) {
            database = DbIpCityDatabase.open(directory());
        }
        return database;
    }

    public static Path directory() throws IOException, InterruptedException {
        Path directory = GeoIpDirectory.defaultPath();
        if (!Files.exists(directory.resolve(DbIpCityDatabase.IPV4_FILE))
                || !Files.exists(directory.resolve(DbIpCityDatabase.IPV6_FILE))) {
            Process fetch = new ProcessBuilder("bash", findScript().toString(), directory.toString())
                    .inheritIO()
                    .start();
            if (!fetch.waitFor(5, TimeUnit.MINUTES) || fetch.exitValue() != 0) {
                throw new IOException("scripts/fetch-geoip could not fetch the GeoIP data into " + directory);
            }
        }
        return directory;
    }

    private static Path findScript() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("scripts").resolve("fetch-geoip");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new IOException("scripts/fetch-geoip not found above " + Path.of("").toAbsolutePath());
    }
}
