package dev.edgedispatcher.app;

import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.GeoIpDirectory;
import dev.edgedispatcher.resolver.MediaServerRegistry;
import dev.edgedispatcher.resolver.RegionResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that resolves edge regions shares. */
final class ResolverOptions {

    @Option(names = "--media-servers", paramLabel = "FILE",
            description = "Media-server registry JSON: id or IP -> region name or {\"lat\":..,\"lon\":..}."
                    + " Default: built-in ms-<region>-1 per region.")
    Path mediaServers;

    @Option(names = "--home-region", paramLabel = "REGION", defaultValue = "n_virginia",
            description = "Region for destinations that cannot be located (default: ${DEFAULT-VALUE}).")
    String homeRegion;

    @Option(names = "--geoip-dir", paramLabel = "DIR",
            description = "Directory of the DB-IP city MMDB files (default: $DISPATCHER_GEOIP_DIR or the cache"
                    + " that scripts/fetch-geoip fills).")
    Path geoIpDir;

    RegionResolver build() {
        Region home = Region.fromWireName(homeRegion).orElseThrow(() -> new IllegalArgumentException(
                "--home-region " + homeRegion + " is not a region: allowed are " + Region.allWireNames()));
        MediaServerRegistry registry;
        try {
            registry = mediaServers == null ? MediaServerRegistry.builtIn() : MediaServerRegistry.load(mediaServers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RegionResolver.builder()
                .homeRegion(home)
                .mediaServers(registry)
                .geoIpDirectory(geoIpDir == null ? GeoIpDirectory.defaultPath() : geoIpDir)
                .build();
    }
}
