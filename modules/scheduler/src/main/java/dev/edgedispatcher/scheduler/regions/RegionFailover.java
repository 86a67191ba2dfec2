package dev.edgedispatcher.scheduler.regions;

import dev.edgedispatcher.resolver.RegionCatalogue;
import dev.edgedispatcher.resolver.Resolution;
import java.util.Optional;
import java.util.Set;

/**
 * Moves a new job from a region that is down to the nearest region that is up, by great-circle
 * distance from the point its rule measured from (docs/regions.md, "Failover"). Only jobs whose
 * region was chosen for them move ({@code er=nearest}, {@code er=local}, and the home region they
 * fall back to); never a job naming its region, a job with an {@code ordering_key} (its order lives
 * in one region's topic) or a job of an account that opts out (data residency). A job that may not
 * move, or finds no region up, keeps its region: it waits in its topic, or is refused when that
 * cluster cannot be written to.
 */
public final class RegionFailover {

    private final RegionHealth health;
    private final Set<String> stayingAccounts;

    /** {@code stayingAccounts}: accounts whose jobs never move ({@code "failover": false} in the accounts file). */
    public RegionFailover(RegionHealth health, Set<String> stayingAccounts) {
        this.health = health;
        this.stayingAccounts = Set.copyOf(stayingAccounts);
    }

    public Resolution apply(Resolution resolution, Optional<String> orderingKey, String account) {
        if (resolution.rule() == Resolution.Rule.EXPLICIT || orderingKey.isPresent() || stayingAccounts.contains(account)
                || health.takesJobs(resolution.region())) {
            return resolution;
        }
        return RegionCatalogue.nearestTo(resolution.referencePoint(), health::takesJobs)
                .map(nearest -> resolution.failedOverTo(nearest.region(), nearest.distanceKm()))
                .orElse(resolution);
    }
}
