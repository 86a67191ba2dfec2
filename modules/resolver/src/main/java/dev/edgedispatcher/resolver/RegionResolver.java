package dev.edgedispatcher.resolver;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgedispatcher.callback.EdgeRegion;
import dev.edgedispatcher.callback.IpLiteral;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the edge region of a URL (docs/callbacks.md, "Edge regions"): explicit regions always win;
 * {@code nearest} geolocates the URL host; {@code local} places the call's media server. Anything
 * that cannot be located goes to the home region, and the {@link Resolution} says why. DNS and
 * GeoIP work runs on the given executor and results are cached, so callers on an event loop never
 * block.
 */
public final class RegionResolver {

    /** Resolves a host name to addresses; may block. */
    @FunctionalInterface
    public interface HostLookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RegionResolver.class);

    private record Key(EdgeRegion.Strategy strategy, String host, String mediaServer) {
    }

    private final Optional<GeoLocator> locator;
    private final String geoIpUnavailableReason;
    private final MediaServerRegistry registry;
    private final Region homeRegion;
    private final HostLookup hostLookup;
    private final Executor executor;
    private final AsyncCache<Key, Resolution> cache;

    private RegionResolver(Builder builder) {
        this.locator = builder.locator;
        this.geoIpUnavailableReason = builder.geoIpUnavailableReason;
        this.registry = builder.registry;
        this.homeRegion = builder.homeRegion;
        this.hostLookup = builder.hostLookup;
        this.executor = builder.executor;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(builder.cacheTtl)
                .maximumSize(builder.cacheSize)
                .executor(builder.executor)
                .buildAsync();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The region for a URL host and, for {@code local}, the call's media server. Completes off the caller's thread when not cached. */
    public CompletableFuture<Resolution> resolve(EdgeRegion edgeRegion, String host, Optional<String> mediaServer) {
        Optional<Region> fixed = edgeRegion.fixedRegion();
        if (fixed.isPresent()) {
            return CompletableFuture.completedFuture(Resolution.explicit(fixed.get()));
        }
        Key key = new Key(edgeRegion.strategy(), host,
                edgeRegion.strategy() == EdgeRegion.Strategy.LOCAL ? mediaServer.orElse("") : "");
        CompletableFuture<Resolution> lookup;
        try {
            lookup = cache.get(key, (k, exec) -> CompletableFuture.supplyAsync(() -> resolveBlocking(k), executor));
        } catch (RejectedExecutionException e) {
            // Every lookup thread busy and the queue full (a name server that does not answer): the
            // job goes out from the home region now rather than waiting behind other tenants' lookups.
            return CompletableFuture.completedFuture(home(Optional.of(host), Optional.empty(),
                    "the resolver is busy (" + LOOKUP_QUEUE + " lookups waiting)"));
        }
        if (lookup.isDone()) {
            return lookup;
        }
        // A lookup that outlasts LOOKUP_TIMEOUT answers this job with the home region; the lookup itself
        // goes on and, once done, serves later jobs of the host from the cache.
        return lookup.copy().completeOnTimeout(home(Optional.of(host), Optional.empty(), "resolving " + host
                + " took longer than " + LOOKUP_TIMEOUT.toMillis() + " ms"), LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The longest an accept waits for a region lookup (DNS of the destination, or of the media server). */
    public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    /** Lookups that may wait for a thread of the default pool; past them the home region answers at once. */
    static final int LOOKUP_QUEUE = 1000;

    /** The home region, used for everything that cannot be located. */
    public Region homeRegion() {
        return homeRegion;
    }

    /** The GeoIP attribution to show with results, when GeoIP data is in use. */
    public Optional<String> attribution() {
        return locator.map(GeoLocator::attribution);
    }

    private Resolution resolveBlocking(Key key) {
        if (key.strategy() == EdgeRegion.Strategy.LOCAL) {
            return local(key.mediaServer(), key.host());
        }
        return nearest(key.host());
    }

    private Resolution nearest(String host) {
        InetAddress address;
        Optional<InetAddress> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            address = literal.get();
        } else {
            try {
                address = hostLookup.lookup(host)[0];
            } catch (UnknownHostException | RuntimeException e) {
                return home(Optional.of(host), Optional.empty(),
                        "host " + host + " could not be resolved (" + e.getMessage() + ")");
            }
        }
        return nearestToAddress(Resolution.Rule.NEAREST, Optional.of(host), address);
    }

    private Resolution nearestToAddress(Resolution.Rule rule, Optional<String> host, InetAddress address) {
        Optional<String> ip = Optional.of(address.getHostAddress());
        if (AddressScope.isNonPublic(address)) {
            return home(host, ip, ip.get() + " is a private, loopback or otherwise non-public address");
        }
        if (locator.isEmpty()) {
            return home(host, ip, "GeoIP data is not available (" + geoIpUnavailableReason + ")");
        }
        Optional<GeoLocation> location = locator.get().locate(address);
        if (location.isEmpty()) {
            return home(host, ip, "the GeoIP database has no location for " + ip.get());
        }
        RegionCatalogue.NearestRegion nearest = RegionCatalogue.nearestTo(location.get().point());
        return new Resolution(nearest.region(), rule, host, ip, location, OptionalDouble.of(nearest.distanceKm()),
                describe(location.get()) + " is closest to " + nearest.region().wireName());
    }

    private Resolution local(String mediaServer, String host) {
        if (mediaServer.isEmpty()) {
            return nearest(host).withReasonPrefix("er=local without a media_server falls back to nearest: ");
        }
        Optional<MediaServerRegistry.Placement> placement = registry.lookup(mediaServer);
        if (placement.isPresent() && placement.get().region().isPresent()) {
            Region region = placement.get().region().get();
            return new Resolution(region, Resolution.Rule.LOCAL, Optional.empty(), Optional.empty(), Optional.empty(),
                    OptionalDouble.empty(), "media server " + mediaServer + " is registered in " + region.wireName());
        }
        if (placement.isPresent()) {
            GeoPoint point = placement.get().point().orElseThrow();
            RegionCatalogue.NearestRegion nearest = RegionCatalogue.nearestTo(point);
            return new Resolution(nearest.region(), Resolution.Rule.LOCAL, Optional.empty(), Optional.empty(),
                    Optional.of(new GeoLocation(point, "", "")), OptionalDouble.of(nearest.distanceKm()),
                    "media server " + mediaServer + " is registered at " + point.latitude() + ","
                            + point.longitude() + ", closest to " + nearest.region().wireName());
        }
        Optional<InetAddress> ip = IpLiteral.parse(mediaServer);
        if (ip.isPresent()) {
            Resolution located = nearestToAddress(Resolution.Rule.LOCAL, Optional.empty(), ip.get());
            if (located.rule() == Resolution.Rule.LOCAL) {
                return located.withReasonPrefix("media server " + mediaServer + " is not registered; its IP: ");
            }
            return nearest(host).withReasonPrefix("media server IP " + mediaServer + " cannot be located ("
                    + located.reason() + "), so nearest: ");
        }
        return nearest(host).withReasonPrefix("unknown media server '" + mediaServer + "' falls back to nearest: ");
    }

    private Resolution home(Optional<String> host, Optional<String> ip, String why) {
        return new Resolution(homeRegion, Resolution.Rule.HOME, host, ip, Optional.empty(), OptionalDouble.empty(),
                why + ", so the home region " + homeRegion.wireName());
    }

    private static String describe(GeoLocation location) {
        String place = location.city().isEmpty() ? "" : location.city();
        if (!location.countryCode().isEmpty()) {
            place = place.isEmpty() ? location.countryCode() : place + ", " + location.countryCode();
        }
        return place.isEmpty()
                ? location.point().latitude() + "," + location.point().longitude()
                : place;
    }

    /** Configuration of a {@link RegionResolver}; every setting has a default that runs locally. */
    public static final class Builder {
        private Optional<GeoLocator> locator = Optional.empty();
        private String geoIpUnavailableReason = "no GeoIP database configured";
        private MediaServerRegistry registry = MediaServerRegistry.builtIn();
        private Region homeRegion = Region.N_VIRGINIA;
        private HostLookup hostLookup = InetAddress::getAllByName;
        private Executor executor;
        private Duration cacheTtl = Duration.ofMinutes(5);
        private long cacheSize = 100_000;

        private Builder() {
        }

        public Builder geoLocator(GeoLocator locator) {
            this.locator = Optional.of(locator);
            return this;
        }

        /** No GeoIP data: {@code nearest} uses the home region and says {@code reason}. */
        public Builder noGeoLocator(String reason) {
            this.locator = Optional.empty();
            this.geoIpUnavailableReason = Objects.requireNonNull(reason, "reason");
            return this;
        }

        public Builder mediaServers(MediaServerRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public Builder homeRegion(Region homeRegion) {
            this.homeRegion = Objects.requireNonNull(homeRegion, "homeRegion");
            return this;
        }

        public Builder hostLookup(HostLookup hostLookup) {
            this.hostLookup = Objects.requireNonNull(hostLookup, "hostLookup");
            return this;
        }

        /** Where DNS and GeoIP lookups run (never an event loop). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public Builder cacheTtl(Duration cacheTtl) {
            this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
            return this;
        }

        public Builder cacheSize(long cacheSize) {
            this.cacheSize = cacheSize;
            return this;
        }

        /**
         * Opens the DB-IP databases in {@code directory}; when they cannot be opened, {@code nearest}
         * uses the home region and the reason is logged once, loudly, here.
         */
        public Builder geoIpDirectory(Path directory) {
            try {
                return geoLocator(DbIpCityDatabase.open(directory));
            } catch (IOException e) {
                LOG.warn("GeoIP data unavailable, er=nearest will use the home region: {}", e.getMessage());
                return noGeoLocator(e.getMessage());
            }
        }

        public RegionResolver build() {
            if (executor == null) {
                // Bounded: a name server that never answers fills the queue, and then jobs get the home
                // region at once instead of queueing without end.
                executor = new ThreadPoolExecutor(4, 4, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(LOOKUP_QUEUE),
                        runnable -> {
                            Thread thread = new Thread(runnable, "region-resolver");
                            thread.setDaemon(true);
                            return thread;
                        }, new ThreadPoolExecutor.AbortPolicy());
            }
            return new RegionResolver(this);
        }
    }
}
