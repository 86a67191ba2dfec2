package dev.edgedispatcher.worker.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** IP literals in URL hosts, parsed without a DNS query. */
final class IpLiterals {

    private IpLiterals() {
    }

    static Optional<InetAddress> parse(String host) {
        boolean v4 = !host.isEmpty() && host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')
                && host.chars().filter(c -> c == '.').count() == 3;
        boolean v6 = host.indexOf(':') >= 0 && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
