package dev.edgedispatcher.bench;

import dev.edgedispatcher.callback.EdgeRegion;
import dev.edgedispatcher.resolver.DbIpCityDatabase;
import dev.edgedispatcher.resolver.GeoIpDirectory;
import dev.edgedispatcher.resolver.GeoLocation;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.resolver.Resolution;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Region resolution on the real DB-IP data: a warm (cached) {@code nearest} resolution, and a cold
 * GeoIP lookup of a random public IPv4 or IPv6 address (no cache in front). Run
 * {@code scripts/fetch-geoip} first (scripts/bench does).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegionResolverBenchmark {

    private DbIpCityDatabase database;
    private RegionResolver resolver;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void open() throws IOException {
        database = DbIpCityDatabase.open(GeoIpDirectory.defaultPath());
        resolver = RegionResolver.builder().geoLocator(database).build();
        resolver.resolve(EdgeRegion.NEAREST, "141.1.1.1", Optional.empty()).join();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        database.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Resolution warmNearest() {
        return resolver.resolve(EdgeRegion.NEAREST, "141.1.1.1", Optional.empty()).join();
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Optional<GeoLocation> coldLookupIpv4() throws UnknownHostException {
        int ip = random.nextInt();
        byte[] bytes = {(byte) (1 + (ip >>> 24) % 222), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        return database.locate(InetAddress.getByAddress(bytes));
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Optional<GeoLocation> coldLookupIpv6() throws UnknownHostException {
        byte[] bytes = new byte[16];
        long high = random.nextLong();
        bytes[0] = 0x20;
        bytes[1] = (byte) (0x01 + (high >>> 56) % 0x0f);
        for (int i = 2; i < 8; i++) {
            bytes[i] = (byte) (high >>> (8 * i));
        }
        return database.locate(InetAddress.getByAddress(bytes));
    }
}
