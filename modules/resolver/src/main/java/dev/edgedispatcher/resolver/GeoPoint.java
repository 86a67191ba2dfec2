package dev.edgedispatcher.resolver;

/** A point on the globe in decimal degrees. */
public record GeoPoint(double latitude, double longitude) {

    public GeoPoint {
        if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("not a point on the globe: lat " + latitude + ", lon " + longitude);
        }
    }
}
