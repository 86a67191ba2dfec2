package dev.edgedispatcher.resolver;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Whether an address can be placed by GeoIP at all. */
public final class AddressScope {

    private AddressScope() {
    }

    /**
     * Addresses no GeoIP database can place: loopback, private (RFC 1918, ULA), link-local,
     * carrier-grade NAT, multicast, unspecified.
     */
    public static boolean isNonPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 100.64.0.0/10
    }
}
