package dev.edgedispatcher.callback;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP address literals (IPv4 dotted quad, IPv6 with or without brackets), parsed without any DNS query. */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** The address when {@code text} is an IP literal, else empty. Never queries DNS. */
    public static Optional<InetAddress> parse(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (bare.isEmpty() || !(isDottedQuad(bare) || isIpv6Shaped(bare))) {
            return Optional.empty();
        }
        try {
            // For a literal, InetAddress.getByName only parses.
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
}
