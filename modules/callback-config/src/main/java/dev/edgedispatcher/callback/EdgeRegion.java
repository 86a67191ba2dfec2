package dev.edgedispatcher.callback;

import java.util.Objects;
import java.util.Optional;

/** The {@code er} key: a selection strategy ({@code nearest}, {@code local}) or one fixed region. */
public record EdgeRegion(Strategy strategy, Region region) {

    /** How the region is chosen. */
    public enum Strategy { NEAREST, LOCAL, FIXED }

    public static final EdgeRegion NEAREST = new EdgeRegion(Strategy.NEAREST, null);
    public static final EdgeRegion LOCAL = new EdgeRegion(Strategy.LOCAL, null);

    public EdgeRegion {
        Objects.requireNonNull(strategy, "strategy");
        if ((strategy == Strategy.FIXED) != (region != null)) {
            throw new IllegalArgumentException("a region is given exactly when the strategy is FIXED");
        }
    }

    public static EdgeRegion fixed(Region region) {
        return new EdgeRegion(Strategy.FIXED, Objects.requireNonNull(region, "region"));
    }

    /** The fixed region, empty for {@code nearest} and {@code local}. */
    public Optional<Region> fixedRegion() {
        return Optional.ofNullable(region);
    }

    /** The value as written in a fragment: {@code nearest}, {@code local} or a region name. */
    public String wireName() {
        return switch (strategy) {
            case NEAREST -> "nearest";
            case LOCAL -> "local";
            case FIXED -> region.wireName();
        };
    }

    public static Optional<EdgeRegion> fromWireName(String name) {
        if ("nearest".equals(name)) {
            return Optional.of(NEAREST);
        }
        if ("local".equals(name)) {
            return Optional.of(LOCAL);
        }
        return Region.fromWireName(name).map(EdgeRegion::fixed);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
