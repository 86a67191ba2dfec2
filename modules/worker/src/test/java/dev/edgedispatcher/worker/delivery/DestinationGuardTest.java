package dev.edgedispatcher.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * docs/callbacks.md, "Delivery semantics": a blocked IPv4 destination stays blocked when written as
 * an IPv6 address that carries it (mapped, compatible, NAT64, 6to4), and public addresses behind
 * the same prefixes stay reachable.
 */
class DestinationGuardTest {

    private final DestinationGuard guard = new DestinationGuard(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
            "64:ff9b:1:7f00:0:100::", "2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::", "::1", "::", "fe80::1",
            "fd00:ec2::254", "10.1.2.3", "169.254.169.254"})
    void refusesBlockedAddressesHoweverTheyAreWritten(String address) throws Exception {
        assertThat(guard.refusal(InetAddress.getByName(address))).as(address).isPresent()
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("blocked_address: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1", "::ffff:93.184.216.34",
            "2606:2800:220:1:248:1893:25c8:1946"})
    void letsPublicAddressesThrough(String address) throws Exception {
        assertThat(guard.refusal(InetAddress.getByName(address))).as(address).isEmpty();
    }

    @Test
    void anAllowListCoversAnAddressAsWrittenAndAsTheIpv4ItCarries() throws Exception {
        DestinationGuard loopback = new DestinationGuard(List.of(Cidr.parse("127.0.0.0/8")));
        assertThat(loopback.refusal(InetAddress.getByName("64:ff9b::7f00:1"))).isEmpty();
        DestinationGuard sixToFour = new DestinationGuard(List.of(Cidr.parse("2002::/16")));
        assertThat(sixToFour.refusal(InetAddress.getByName("2002:a00:1::1"))).isEmpty();
        assertThat(sixToFour.refusal(InetAddress.getByName("10.0.0.1"))).isPresent();
    }
}
