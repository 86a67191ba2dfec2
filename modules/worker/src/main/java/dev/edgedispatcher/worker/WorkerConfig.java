package dev.edgedispatcher.worker;

import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a worker process needs, passed in.
 *
 * @param regions the regions this process serves (one consumer each)
 * @param allowedDestinations CIDRs the destination guard lets through (e.g. 127.0.0.0/8 locally)
 * @param maxInFlight jobs read but not finished, per region, before partitions are paused
 * @param maxConnectionsPerDestination the per-destination bulkhead
 * @param retryBackoffMs mean jittered wait before a retry; 0 retries at once (SPEC default)
 * @param metricsPort port of the /health and /metrics server; 0 for a free one, -1 for none
 */
public record WorkerConfig(String bootstrapServers, Set<Region> regions, Accounts accounts, List<Cidr> allowedDestinations,
        int maxInFlight, int maxConnectionsPerDestination, long retryBackoffMs, int metricsPort) {

    public WorkerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        regions = Set.copyOf(regions);
        Objects.requireNonNull(accounts, "accounts");
        allowedDestinations = List.copyOf(allowedDestinations);
    }

    public static WorkerConfig defaults(String bootstrapServers, Set<Region> regions, Accounts accounts,
            List<Cidr> allowedDestinations) {
        return new WorkerConfig(bootstrapServers, regions, accounts, allowedDestinations, 20_000, 256, 0, -1);
    }

    public WorkerConfig withMetricsPort(int port) {
        return new WorkerConfig(bootstrapServers, regions, accounts, allowedDestinations, maxInFlight,
                maxConnectionsPerDestination, retryBackoffMs, port);
    }

    public WorkerConfig withMaxInFlight(int limit) {
        return new WorkerConfig(bootstrapServers, regions, accounts, allowedDestinations, limit,
                maxConnectionsPerDestination, retryBackoffMs, metricsPort);
    }

    public WorkerConfig withMaxConnectionsPerDestination(int limit) {
        return new WorkerConfig(bootstrapServers, regions, accounts, allowedDestinations, maxInFlight, limit,
                retryBackoffMs, metricsPort);
    }
}
