package dev.edgedispatcher.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docs/callbacks.md, "One attempt": destination names are resolved asynchronously. While 500 lookups
 * wait on a name server that never answers, a name from /etc/hosts resolves at once (with blocking
 * lookups on a pool of threads, it waited for a free thread), and the waiting lookups fail by
 * their query timeout instead of hanging.
 */
class DestinationResolverTest {

    @Test
    void aNameServerThatNeverAnswersHoldsUpNoOtherLookup() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Vertx vertx = Vertx.vertx();
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(loopback, 0));
                DestinationResolver resolver = new DestinationResolver(new SingletonDnsServerAddressStreamProvider(
                        new InetSocketAddress(loopback, silent.getLocalPort())), Duration.ofMillis(1500))) {
            Context context = vertx.getOrCreateContext();
            List<Future<InetAddress>> hanging = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                hanging.add(resolver.resolve("h" + i + ".hang.example", context));
            }
            long started = System.nanoTime();
            InetAddress local = resolver.resolve("localhost", context).await(5, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(local.isLoopbackAddress()).isTrue();
            assertThat(tookMs).as("ms to resolve localhost behind 500 hanging lookups").isLessThan(500);
            assertThat(hanging).noneMatch(Future::isComplete);
            for (Future<InetAddress> lookup : hanging) {
                assertThat(lookup.failed() || waitFailed(lookup)).isTrue();
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static boolean waitFailed(Future<InetAddress> lookup) {
        try {
            lookup.await(60, TimeUnit.SECONDS);
            return false;
        } catch (Exception e) {
            return true;
        }
    }
}
