package dev.edgedispatcher.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.callback.EdgeRegion;
import dev.edgedispatcher.callback.IpLiteral;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Region resolution against the real DB-IP Lite data. */
class RegionResolverTest {

    private static GeoLocator geoIp;

    @BeforeAll
    static void openRealData() throws Exception {
        geoIp = GeoIpTestData.database();
    }

    private static RegionResolver resolver() {
        return RegionResolver.builder().geoLocator(geoIp).homeRegion(Region.N_VIRGINIA).build();
    }

    private static Resolution resolve(RegionResolver resolver, EdgeRegion er, String host, String mediaServer) {
        return resolver.resolve(er, host, Optional.ofNullable(mediaServer)).join();
    }

    @ParameterizedTest(name = "{0} ({2}) -> {1}")
    @CsvSource({
        "8.8.8.8, n_california, Mountain View",
        "17.0.0.1, n_california, Cupertino",
        "2620:149::1, n_california, Cupertino",
        "2607:f8b0:4005::1, n_california, Mountain View",
        "3.80.0.1, n_virginia, Ashburn",
        "2600:1f18::1, n_virginia, Ashburn",
        "141.1.1.1, frankfurt, Frankfurt am Main",
        "2a00:1450:4001::1, frankfurt, Frankfurt am Main",
        "13.228.0.1, singapore, Singapore",
        "2406:3003::1, singapore, Singapore (Geylang)",
        "49.44.0.1, mumbai, Navi Mumbai (Ghansoli)",
        "2405:200::1, mumbai, Navi Mumbai (Ghansoli)"})
    void nearestPicksTheClosestRegionForKnownPlaces(String ip, String region, String city) {
        Resolution resolution = resolve(resolver(), EdgeRegion.NEAREST, ip, null);
        assertThat(resolution.region().wireName()).isEqualTo(region);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.NEAREST);
        assertThat(resolution.ip().flatMap(IpLiteral::parse)).hasValue(literal(ip));
        assertThat(resolution.location()).hasValueSatisfying(location -> assertThat(location.city()).isEqualTo(city));
        assertThat(resolution.distanceKm().getAsDouble()).isBetween(0.0, 100.0);
    }

    @Test
    void aPlaceFarFromEveryRegionStillGetsTheClosestOneWithItsDistance() {
        Resolution montreal = resolve(resolver(), EdgeRegion.NEAREST, "2001:4860:4860::8888", null);
        assertThat(montreal.region()).isEqualTo(Region.N_VIRGINIA);
        assertThat(montreal.rule()).isEqualTo(Resolution.Rule.NEAREST);
        assertThat(montreal.distanceKm().getAsDouble()).isBetween(700.0, 900.0);
    }

    @ParameterizedTest(name = "{0} is not locatable")
    @ValueSource(strings = {"10.0.0.1", "192.168.1.10", "172.16.5.4", "127.0.0.1", "100.64.0.1", "169.254.169.254",
        "::1", "fd00::1", "fe80::1", "0.0.0.0", "224.0.0.1"})
    void privateAndLocalAddressesGoHome(String ip) {
        RegionResolver resolver = RegionResolver.builder().geoLocator(geoIp).homeRegion(Region.SINGAPORE).build();
        Resolution resolution = resolve(resolver, EdgeRegion.NEAREST, ip, null);
        assertThat(resolution.region()).isEqualTo(Region.SINGAPORE);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.HOME);
        assertThat(resolution.reason()).contains("non-public").contains("home region singapore");
    }

    @ParameterizedTest(name = "{0} has no location")
    @ValueSource(strings = {"240.0.0.1", "198.51.100.1", "2001:db8::1"})
    void addressesTheDatabaseCannotPlaceGoHome(String ip) {
        Resolution resolution = resolve(resolver(), EdgeRegion.NEAREST, ip, null);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.HOME);
        assertThat(resolution.region()).isEqualTo(Region.N_VIRGINIA);
        assertThat(resolution.reason()).contains("no location");
    }

    @Test
    void hostNamesAreResolvedBeforeLocating() {
        RegionResolver resolver = RegionResolver.builder().geoLocator(geoIp)
                .hostLookup(host -> new InetAddress[] {InetAddress.getByName("141.1.1.1")})
                .build();
        Resolution resolution = resolve(resolver, EdgeRegion.NEAREST, "hooks.example.de", null);
        assertThat(resolution.region()).isEqualTo(Region.FRANKFURT);
        assertThat(resolution.host()).hasValue("hooks.example.de");
        assertThat(resolution.ip()).hasValue("141.1.1.1");
    }

    @Test
    void anUnresolvableHostGoesHomeAndSaysSo() {
        RegionResolver resolver = RegionResolver.builder().geoLocator(geoIp)
                .hostLookup(host -> {
                    throw new UnknownHostException(host + ": Name or service not known");
                })
                .build();
        Resolution resolution = resolve(resolver, EdgeRegion.NEAREST, "no-such-host.invalid", null);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.HOME);
        assertThat(resolution.reason()).contains("could not be resolved");
    }

    @Test
    void aNameServerThatDoesNotAnswerCostsAnAcceptTwoSecondsAtMostAndOthersNothing() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        RegionResolver resolver = RegionResolver.builder().geoLocator(geoIp)
                .hostLookup(host -> {
                    if (host.endsWith(".slow.example")) {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return new InetAddress[] {InetAddress.getByName("141.1.1.1")};
                })
                .build();
        try {
            long started = System.nanoTime();
            Resolution slow = resolver.resolve(EdgeRegion.NEAREST, "a.slow.example", java.util.Optional.empty())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(slow.rule()).isEqualTo(Resolution.Rule.HOME);
            assertThat(slow.reason()).contains("took longer than 2000 ms");
            assertThat(waitedMs).isBetween(RegionResolver.LOOKUP_TIMEOUT.toMillis(), RegionResolver.LOOKUP_TIMEOUT.toMillis() + 500);
            // Every lookup thread stuck and the queue full: the next lookups answer home at once.
            for (int i = 0; i < 4 + RegionResolver.LOOKUP_QUEUE; i++) {
                resolver.resolve(EdgeRegion.NEAREST, "h" + i + ".slow.example", java.util.Optional.empty());
            }
            started = System.nanoTime();
            Resolution busy = resolver.resolve(EdgeRegion.NEAREST, "another.example", java.util.Optional.empty())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(500);
            assertThat(busy.rule()).isEqualTo(Resolution.Rule.HOME);
            assertThat(busy.reason()).contains("resolver is busy");
        } finally {
            never.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void anExplicitRegionAlwaysWins(Region region) {
        for (String host : new String[] {"8.8.8.8", "10.0.0.1", "49.44.0.1"}) {
            Resolution resolution = resolve(resolver(), EdgeRegion.fixed(region), host, "ms-mumbai-1");
            assertThat(resolution.region()).isEqualTo(region);
            assertThat(resolution.rule()).isEqualTo(Resolution.Rule.EXPLICIT);
        }
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void localUsesTheBuiltInMediaServers(Region region) {
        Resolution resolution = resolve(resolver(), EdgeRegion.LOCAL, "8.8.8.8", "ms-" + region.wireName() + "-1");
        assertThat(resolution.region()).isEqualTo(region);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.LOCAL);
    }

    @Test
    void localReadsIdsIpsAndCoordinatesFromTheRegistryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("media-servers.json");
        Files.writeString(file, """
                {"ms-a": "singapore", "10.1.2.3": "frankfurt", "ms-pune": {"lat": 18.52, "lon": 73.86},
                 "ms-dallas": {"lat": 32.78, "lon": -96.80}}""");
        RegionResolver resolver = RegionResolver.builder().geoLocator(geoIp)
                .mediaServers(MediaServerRegistry.load(file)).build();
        assertThat(resolve(resolver, EdgeRegion.LOCAL, "8.8.8.8", "ms-a").region()).isEqualTo(Region.SINGAPORE);
        assertThat(resolve(resolver, EdgeRegion.LOCAL, "8.8.8.8", "10.1.2.3").region()).isEqualTo(Region.FRANKFURT);
        Resolution pune = resolve(resolver, EdgeRegion.LOCAL, "8.8.8.8", "ms-pune");
        assertThat(pune.region()).isEqualTo(Region.MUMBAI);
        assertThat(pune.rule()).isEqualTo(Resolution.Rule.LOCAL);
        assertThat(pune.distanceKm().getAsDouble()).isBetween(100.0, 150.0);
        assertThat(resolve(resolver, EdgeRegion.LOCAL, "8.8.8.8", "ms-dallas").region()).isEqualTo(Region.N_VIRGINIA);
    }

    @Test
    void anUnlistedMediaServerIpIsGeolocated() {
        Resolution resolution = resolve(resolver(), EdgeRegion.LOCAL, "8.8.8.8", "13.228.0.1");
        assertThat(resolution.region()).isEqualTo(Region.SINGAPORE);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.LOCAL);
        assertThat(resolution.reason()).contains("not registered");
    }

    @Test
    void anUnknownMediaServerOrNoneFallsBackToNearest() {
        Resolution unknown = resolve(resolver(), EdgeRegion.LOCAL, "141.1.1.1", "ms-atlantis-9");
        assertThat(unknown.region()).isEqualTo(Region.FRANKFURT);
        assertThat(unknown.rule()).isEqualTo(Resolution.Rule.NEAREST);
        assertThat(unknown.reason()).startsWith("unknown media server 'ms-atlantis-9' falls back to nearest");
        Resolution none = resolve(resolver(), EdgeRegion.LOCAL, "141.1.1.1", null);
        assertThat(none.region()).isEqualTo(Region.FRANKFURT);
        assertThat(none.reason()).contains("without a media_server");
    }

    @Test
    void badRegistryFilesNameTheEntry(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"ms-x\": \"atlantis\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MediaServerRegistry.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ms-x").hasMessageContaining("atlantis").hasMessageContaining("frankfurt");
    }

    @Test
    void withoutGeoIpDataNearestUsesTheHomeRegionAndSaysWhy(@TempDir Path empty) {
        RegionResolver resolver = RegionResolver.builder().geoIpDirectory(empty).homeRegion(Region.MUMBAI).build();
        Resolution resolution = resolve(resolver, EdgeRegion.NEAREST, "141.1.1.1", null);
        assertThat(resolution.region()).isEqualTo(Region.MUMBAI);
        assertThat(resolution.rule()).isEqualTo(Resolution.Rule.HOME);
        assertThat(resolution.reason()).contains("GeoIP data is not available");
        assertThat(resolver.attribution()).isEmpty();
    }

    @Test
    void cacheHitsDoNoLookup() {
        AtomicInteger geoLookups = new AtomicInteger();
        AtomicInteger dnsLookups = new AtomicInteger();
        GeoLocator counting = new GeoLocator() {
            @Override
            public Optional<GeoLocation> locate(InetAddress address) {
                geoLookups.incrementAndGet();
                return geoIp.locate(address);
            }

            @Override
            public String attribution() {
                return geoIp.attribution();
            }
        };
        RegionResolver resolver = RegionResolver.builder().geoLocator(counting)
                .hostLookup(host -> {
                    dnsLookups.incrementAndGet();
                    return new InetAddress[] {InetAddress.getByName("49.44.0.1")};
                })
                .build();
        Resolution first = resolve(resolver, EdgeRegion.NEAREST, "hooks.example.in", null);
        for (int i = 0; i < 100; i++) {
            assertThat(resolve(resolver, EdgeRegion.NEAREST, "hooks.example.in", null)).isEqualTo(first);
        }
        assertThat(geoLookups).hasValue(1);
        assertThat(dnsLookups).hasValue(1);
        resolve(resolver, EdgeRegion.NEAREST, "other.example.in", null);
        assertThat(geoLookups).hasValue(2);
        assertThat(dnsLookups).hasValue(2);
    }

    @Test
    void resolutionRunsOnTheResolverExecutorNotTheCaller() {
        Thread caller = Thread.currentThread();
        AtomicInteger onCaller = new AtomicInteger();
        RegionResolver resolver = RegionResolver.builder().geoLocator(geoIp)
                .hostLookup(host -> {
                    if (Thread.currentThread() == caller) {
                        onCaller.incrementAndGet();
                    }
                    return new InetAddress[] {InetAddress.getByName("8.8.8.8")};
                })
                .build();
        resolve(resolver, EdgeRegion.NEAREST, "example.com", null);
        assertThat(onCaller).hasValue(0);
    }

    private static InetAddress literal(String ip) {
        return IpLiteral.parse(ip).orElseThrow();
    }
}
