package dev.edgedispatcher.resolver;

import dev.edgedispatcher.callback.Region;
import java.util.EnumMap;
import java.util.Map;

/** Where each edge region is (docs/architecture.md), and which region is closest to a point. */
public final class RegionCatalogue {

    private static final Map<Region, GeoPoint> LOCATIONS = new EnumMap<>(Map.of(
            Region.N_CALIFORNIA, new GeoPoint(37.35, -121.96),
            Region.N_VIRGINIA, new GeoPoint(38.95, -77.45),
            Region.FRANKFURT, new GeoPoint(50.11, 8.68),
            Region.SINGAPORE, new GeoPoint(1.35, 103.82),
            Region.MUMBAI, new GeoPoint(19.08, 72.88)));

    /** A region and how far a point is from it. */
    public record NearestRegion(Region region, double distanceKm) {
    }

    private RegionCatalogue() {
    }

    public static GeoPoint locationOf(Region region) {
        return LOCATIONS.get(region);
    }

    /** The region with the smallest great-circle distance to {@code point}; ties go to declaration order. */
    public static NearestRegion nearestTo(GeoPoint point) {
        return nearestTo(point, region -> true).orElseThrow();
    }

    /** As {@link #nearestTo(GeoPoint)} among the regions {@code allowed} accepts; empty when it accepts none. */
    public static java.util.Optional<NearestRegion> nearestTo(GeoPoint point, java.util.function.Predicate<Region> allowed) {
        Region best = null;
        double bestKm = Double.MAX_VALUE;
        for (Region region : Region.values()) {
            if (!allowed.test(region)) {
                continue;
            }
            double km = GreatCircle.distanceKm(point, LOCATIONS.get(region));
            if (km < bestKm) {
                best = region;
                bestKm = km;
            }
        }
        return best == null ? java.util.Optional.empty() : java.util.Optional.of(new NearestRegion(best, bestKm));
    }
}
