package dev.edgedispatcher.resolver;

import java.nio.file.Path;

/** Where the DB-IP files are cached; must match {@code scripts/fetch-geoip --print-dir}. */
public final class GeoIpDirectory {

    /** The pinned npm package version that {@code scripts/fetch-geoip} fetches. */
    public static final String DATA_VERSION = "2.3.2026060513";

    private GeoIpDirectory() {
    }

    /** {@code $DISPATCHER_GEOIP_DIR}, else {@code ${XDG_CACHE_HOME:-~/.cache}/edge-dispatcher/geoip/dbip-city-<version>}. */
    public static Path defaultPath() {
        String explicit = System.getenv("DISPATCHER_GEOIP_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String cacheHome = System.getenv("XDG_CACHE_HOME");
        Path base = cacheHome != null && !cacheHome.isBlank()
                ? Path.of(cacheHome)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("edge-dispatcher").resolve("geoip").resolve("dbip-city-" + DATA_VERSION);
    }
}
