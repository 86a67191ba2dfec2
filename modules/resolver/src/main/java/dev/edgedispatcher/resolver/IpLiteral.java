package dev.edgedispatcher.resolver;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP address literals: parsed without any DNS query, and classified as locatable or not. */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** The address when {@code text} is an IPv4 or IPv6 literal (brackets allowed), else empty. No DNS. */
    public static Optional<InetAddress> parse(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (bare.isEmpty() || !(isDottedQuad(bare) || isIpv6Shaped(bare))) {
            return Optional.empty();
        }
        try {
            // A literal never triggers a lookup in InetAddress.getByName.
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isDottedQuad(String text) {
        int dots = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static boolean isIpv6Shaped(String text) {
        if (text.indexOf(':') < 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
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
