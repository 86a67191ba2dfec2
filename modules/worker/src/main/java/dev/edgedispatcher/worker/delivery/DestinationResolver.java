package dev.edgedispatcher.worker.delivery;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Resolves destination host names without blocking a thread per lookup (docs/callbacks.md, "One
 * attempt"): Netty's asynchronous DNS resolver on one I/O thread of its own, reading /etc/hosts and
 * the system's name servers and search domains, with a cache (answers kept for their TTL, at most
 * 5 minutes; failures for 10 s) and concurrent lookups of one name merged into one query. A name
 * server that never answers costs each lookup its query timeout and nothing else: other tenants'
 * lookups do not wait for a free thread behind it. The answer comes back on the caller's context.
 */
public final class DestinationResolver implements AutoCloseable {

    /** How long one DNS query may take before the next server (or the failure). */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup loop;
    private final DnsNameResolver resolver;

    /** With the system's name servers. */
    public DestinationResolver() {
        this(DnsServerAddressStreamProviders.platformDefault(), QUERY_TIMEOUT);
    }

    /** With these name servers (tests: one that never answers). */
    DestinationResolver(DnsServerAddressStreamProvider nameServers, Duration queryTimeout) {
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("edge-dns", true), NioIoHandler.newFactory());
        this.resolver = new DnsNameResolverBuilder(loop.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(nameServers)
                .queryTimeoutMillis(queryTimeout.toMillis())
                .resolveCache(new DefaultDnsCache(0, 300, 10))
                .consolidateCacheSize(10_000)
                .build();
    }

    /** The first address of {@code host}; completes on {@code context}. */
    public Future<InetAddress> resolve(String host, Context context) {
        Promise<InetAddress> answer = Promise.promise();
        resolver.resolve(host).addListener(done -> context.runOnContext(back -> {
            if (done.isSuccess()) {
                answer.complete((InetAddress) done.getNow());
            } else {
                answer.fail(done.cause());
            }
        }));
        return answer.future();
    }

    @Override
    public void close() {
        resolver.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
