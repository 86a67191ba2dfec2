package dev.edgedispatcher.resolver;

import dev.edgedispatcher.callback.Region;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Which region a job goes out from, which rule chose it and why. See docs/callbacks.md, "Edge
 * regions".
 *
 * @param region the chosen region
 * @param rule the rule that chose it: {@code explicit}, {@code nearest}, {@code local} or {@code home}
 *     (the configured home region, when nothing could be located)
 * @param host the URL host that was resolved, empty when no lookup was needed
 * @param ip the address that was located, empty when none
 * @param location where that address (or media server) is, empty when unknown
 * @param distanceKm great-circle distance from the location to the chosen region
 * @param reason one sentence for a person
 * @param failoverFrom the region the rule chose, when it was down and this one was taken instead
 *     (docs/regions.md, "Failover"); empty on every job that did not move
 */
public record Resolution(
        Region region,
        Rule rule,
        Optional<String> host,
        Optional<String> ip,
        Optional<GeoLocation> location,
        OptionalDouble distanceKm,
        String reason,
        Optional<Region> failoverFrom) {

    /** The rule that chose the region. */
    public enum Rule {
        EXPLICIT("explicit"), NEAREST("nearest"), LOCAL("local"), HOME("home");

        private final String wireName;

        Rule(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public Resolution {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(distanceKm, "distanceKm");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(failoverFrom, "failoverFrom");
    }

    /** A resolution of a job that did not move. */
    public Resolution(Region region, Rule rule, Optional<String> host, Optional<String> ip, Optional<GeoLocation> location,
            OptionalDouble distanceKm, String reason) {
        this(region, rule, host, ip, location, distanceKm, reason, Optional.empty());
    }

    /** Where distances are measured from: the located address or media server, else the chosen region itself. */
    public GeoPoint referencePoint() {
        return location.map(GeoLocation::point).orElse(RegionCatalogue.locationOf(region));
    }

    /**
     * This job moved from its region, which is down, to {@code to}, the nearest region that is up
     * from the same reference point: the rule stays, {@code failover_from} names the region left.
     */
    public Resolution failedOverTo(Region to, double distanceKm) {
        return new Resolution(to, rule, host, ip, location, OptionalDouble.of(distanceKm), region.wireName()
                + " is down, so " + to.wireName() + ", the nearest region that is up; " + reason, Optional.of(region));
    }

    public static Resolution explicit(Region region) {
        return new Resolution(region, Rule.EXPLICIT, Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalDouble.empty(), "er=" + region.wireName() + " names the region");
    }

    /** The same resolution with a reason that says why an earlier rule did not decide. */
    public Resolution withReasonPrefix(String prefix) {
        return new Resolution(region, rule, host, ip, location, distanceKm, prefix + reason, failoverFrom);
    }
}
