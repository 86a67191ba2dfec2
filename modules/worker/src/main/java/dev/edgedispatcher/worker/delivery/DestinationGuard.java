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
            if (cidr.contains(effective) || cidr.contains(address)) {
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

    /**
     * An IPv6 address that carries an IPv4 one is checked as that IPv4 address, so a blocked IPv4
     * destination cannot be reached through a translation prefix: IPv4-mapped {@code ::ffff:a.b.c.d},
     * IPv4-compatible {@code ::a.b.c.d} (deprecated, still routed by some stacks), NAT64's
     * well-known {@code 64:ff9b::a.b.c.d} and local-use {@code 64:ff9b:1::/48} (RFC 6052, 8215), and
     * 6to4's {@code 2002:AABB:CCDD::/48} (RFC 3056). A public IPv4 behind NAT64 stays reachable.
     */
    static InetAddress unwrapMapped(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return ipv4(address, b[2], b[3], b[4], b[5]);
        }
        boolean wellKnownNat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b && zero(b, 4, 12);
        boolean localNat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b && b[4] == 0 && (b[5] & 0xff) == 0x01;
        if (wellKnownNat64 || localNat64) {
            // RFC 6052 /48 layout: the IPv4 address is split around byte 8 (which is always zero).
            return wellKnownNat64 ? ipv4(address, b[12], b[13], b[14], b[15]) : ipv4(address, b[6], b[7], b[9], b[10]);
        }
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4(address, b[12], b[13], b[14], b[15]);
        }
        // ::a.b.c.d, but not :: itself or ::1 (both blocked as IPv6 already).
        if (zero(b, 0, 12) && !zero(b, 12, 15)) {
            return ipv4(address, b[12], b[13], b[14], b[15]);
        }
        return address;
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(InetAddress original, byte a, byte b, byte c, byte d) {
        try {
            return InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            return original;
        }
    }
}
