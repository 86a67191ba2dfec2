package dev.edgedispatcher.resolver;

import java.util.Objects;

/** Where an IP address is, as far as the GeoIP database knows. City and country may be empty. */
public record GeoLocation(GeoPoint point, String city, String countryCode) {

    public GeoLocation {
        Objects.requireNonNull(point, "point");
        city = city == null ? "" : city;
        countryCode = countryCode == null ? "" : countryCode;
    }
}
