package dev.edgedispatcher.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgedispatcher.callback.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GreatCircleTest {

    @Test
    void knownDistances() {
        // Frankfurt - Mumbai is about 6,560 km; San Jose - Ashburn about 3,830 km.
        assertThat(GreatCircle.distanceKm(RegionCatalogue.locationOf(Region.FRANKFURT),
                RegionCatalogue.locationOf(Region.MUMBAI))).isCloseTo(6560, within(40.0));
        assertThat(GreatCircle.distanceKm(RegionCatalogue.locationOf(Region.N_CALIFORNIA),
                RegionCatalogue.locationOf(Region.N_VIRGINIA))).isCloseTo(3830, within(40.0));
        assertThat(GreatCircle.distanceKm(new GeoPoint(0, 0), new GeoPoint(0, 180)))
                .isCloseTo(Math.PI * GreatCircle.EARTH_RADIUS_KM, within(0.001));
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void everyRegionIsNearestToItself(Region region) {
        RegionCatalogue.NearestRegion nearest = RegionCatalogue.nearestTo(RegionCatalogue.locationOf(region));
        assertThat(nearest.region()).isEqualTo(region);
        assertThat(nearest.distanceKm()).isZero();
    }

    @Test
    void crossingTheAntimeridianIsShort() {
        assertThat(GreatCircle.distanceKm(new GeoPoint(0, 179.5), new GeoPoint(0, -179.5))).isCloseTo(111.2, within(0.5));
    }
}
