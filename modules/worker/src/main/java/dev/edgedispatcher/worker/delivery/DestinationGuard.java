package dev.edgedispatcher.worker.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Refuses destinations a webhook must never reach (docs/callbacks.md, "Delivery semantics"):
 * private, loopback, link-local, multicast and cloud-metadata addresses, unless an operator
 * allow-list covers them. It is applied to the resolved address that is then connected to, so DNS
 * cannot rebind in between.
 */
public final class DestinationGuard {

    private static final List<Cidr> BLOCKED = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"), Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"), Cidr.parse("100.100.100.200/32"),
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("ff00::/8"), Cidr.parse("fd00:ec2::254/128"));

    private final List<Cidr> allowed;

    public DestinationGuard(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why {@code address} may not be connected to, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        InetAddress effective = unwrapMapped(address);
        for (Cidr cidr : allowed) {
            if (cidr.contains(effective)) {
                return Optional.empty();
            }
        }
        for (Cidr cidr : BLOCKED) {
            if (cidr.contains(effective)) {
                return Optional.of("blocked_address: " + address.getHostAddress() + " is in " + cidr
                        + " (private, loopback, link-local, multicast or metadata); allow it with --allow-destination");
            }
        }
        return Optional.empty();
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** ::ffff:a.b.c.d is checked as a.b.c.d. */
    private static InetAddress unwrapMapped(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return address;
            }
        }
        if ((bytes[10] & 0xff) != 0xff || (bytes[11] & 0xff) != 0xff) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
