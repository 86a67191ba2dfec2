package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.ConnectionLimits;
import dev.edgedispatcher.worker.sign.Accounts;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a worker process needs, passed in.
 *
 * @param kafka how to reach Kafka: bootstrap and the client settings of {@code --kafka-config}
 * @param regions the regions this process serves (one consumer each)
 * @param allowedDestinations CIDRs the destination guard lets through (e.g. 127.0.0.0/8 locally)
 * @param maxInFlight jobs read but not finished, per region, before partitions are paused
 * @param maxConnectionsPerDestination jobs running at once per destination (host:port), per region,
 *     and attempts in flight per destination in the process
 * @param retryBackoffMs mean jittered wait before a retry; 0 retries at once (the default;
 *     docs/callbacks.md, "Delivery semantics")
 * @param metricsPort port of the /health and /metrics server; 0 for a free one, -1 for none
 * @param eventLoops event loops the deliveries are spread over (default: one per core)
 * @param connections open-connection bounds of the process; deliveries running at once are capped
 *     at {@code connections.maxConnections()} too
 */
public record WorkerConfig(KafkaConnection kafka, Set<Region> regions, Accounts accounts, List<Cidr> allowedDestinations,
        int maxInFlight, int maxConnectionsPerDestination, long retryBackoffMs, int metricsPort, int eventLoops,
        ConnectionLimits connections) {

    public WorkerConfig {
        Objects.requireNonNull(kafka, "kafka");
        regions = Set.copyOf(regions);
        Objects.requireNonNull(accounts, "accounts");
        allowedDestinations = List.copyOf(allowedDestinations);
        Objects.requireNonNull(connections, "connections");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1");
        }
    }

    /** Defaults against a plaintext, unauthenticated cluster. */
    public static WorkerConfig defaults(String bootstrapServers, Set<Region> regions, Accounts accounts,
            List<Cidr> allowedDestinations) {
        return defaults(KafkaConnection.plaintext(bootstrapServers), regions, accounts, allowedDestinations);
    }

    public static WorkerConfig defaults(KafkaConnection kafka, Set<Region> regions, Accounts accounts,
            List<Cidr> allowedDestinations) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, 20_000, 256, 0, -1,
                Runtime.getRuntime().availableProcessors(), ConnectionLimits.DEFAULTS);
    }

    public WorkerConfig withMetricsPort(int port) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, maxInFlight,
                maxConnectionsPerDestination, retryBackoffMs, port, eventLoops, connections);
    }

    public WorkerConfig withMaxInFlight(int limit) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, limit,
                maxConnectionsPerDestination, retryBackoffMs, metricsPort, eventLoops, connections);
    }

    public WorkerConfig withMaxConnectionsPerDestination(int limit) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, maxInFlight, limit,
                retryBackoffMs, metricsPort, eventLoops, connections);
    }

    public WorkerConfig withEventLoops(int count) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, maxInFlight,
                maxConnectionsPerDestination, retryBackoffMs, metricsPort, count, connections);
    }

    public WorkerConfig withConnections(ConnectionLimits limits) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, maxInFlight,
                maxConnectionsPerDestination, retryBackoffMs, metricsPort, eventLoops, limits);
    }

    /** Kafka's bootstrap address. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
