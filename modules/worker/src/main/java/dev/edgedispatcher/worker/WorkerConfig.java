package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.consume.PartitionProgress;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.ConnectionLimits;
import dev.edgedispatcher.worker.sign.Accounts;
import java.time.Duration;
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
 * @param maxConnectionsPerDestination jobs running at once per destination (a host, any port), per region,
 *     and attempts in flight per destination in the process
 * @param retryBackoff mean jittered wait before a retry; zero retries at once (the default;
 *     docs/callbacks.md, "Delivery semantics")
 * @param metricsPort port of the /health and /metrics server; 0 for a free one, -1 for none
 * @param eventLoops event loops the deliveries are spread over (default: one per core)
 * @param connections open-connection bounds of the process; deliveries running at once are capped
 *     at {@code connections.maxConnections()} too
 * @param topology which cluster each region's topic, group, results and dead letters live on
 *     (docs/regions.md); without {@code --topology} all on {@code kafka}
 * @param commitWindow records a partition may be read past its lowest unfinished job: past half of
 *     it that job is parked if it is waiting, at all of it the partition pauses (docs/callbacks.md,
 *     "Sharing a worker"); at most {@link PartitionProgress#WINDOW_LIMIT}, what the commit
 *     metadata can hold
 */
public record WorkerConfig(KafkaConnection kafka, Set<Region> regions, Accounts accounts, List<Cidr> allowedDestinations,
        int maxInFlight, int maxConnectionsPerDestination, Duration retryBackoff, int metricsPort, int eventLoops,
        ConnectionLimits connections, int commitWindow, Topology topology) {

    public WorkerConfig {
        Objects.requireNonNull(kafka, "kafka");
        regions = Set.copyOf(regions);
        Objects.requireNonNull(accounts, "accounts");
        allowedDestinations = List.copyOf(allowedDestinations);
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1");
        }
        if (commitWindow < MIN_COMMIT_WINDOW || commitWindow > PartitionProgress.WINDOW_LIMIT) {
            throw new IllegalArgumentException("commit window must be from " + MIN_COMMIT_WINDOW + " to "
                    + PartitionProgress.WINDOW_LIMIT + " records, not " + commitWindow);
        }
    }

    /** The smallest commit window: a poll's records and some room to park. */
    public static final int MIN_COMMIT_WINDOW = 1000;

    /** A builder starting from the defaults. */
    public static Builder custom(KafkaConnection kafka, Set<Region> regions, Accounts accounts, List<Cidr> allowedDestinations) {
        return new Builder(defaults(kafka, regions, accounts, allowedDestinations));
    }

    /** A builder starting from {@code base}: change what differs, keep the rest. */
    public static Builder from(WorkerConfig base) {
        return new Builder(base);
    }

    /** Defaults against a plaintext, unauthenticated cluster. */
    public static WorkerConfig defaults(String bootstrapServers, Set<Region> regions, Accounts accounts,
            List<Cidr> allowedDestinations) {
        return defaults(KafkaConnection.plaintext(bootstrapServers), regions, accounts, allowedDestinations);
    }

    public static WorkerConfig defaults(KafkaConnection kafka, Set<Region> regions, Accounts accounts,
            List<Cidr> allowedDestinations) {
        return new WorkerConfig(kafka, regions, accounts, allowedDestinations, 20_000, 256, Duration.ZERO, -1,
                Runtime.getRuntime().availableProcessors(), ConnectionLimits.DEFAULTS, PartitionProgress.WINDOW_LIMIT,
                Topology.single(kafka));
    }

    public WorkerConfig withMetricsPort(int port) {
        return from(this).metricsPort(port).build();
    }

    public WorkerConfig withMaxInFlight(int limit) {
        return from(this).maxInFlight(limit).build();
    }

    public WorkerConfig withMaxConnectionsPerDestination(int limit) {
        return from(this).maxConnectionsPerDestination(limit).build();
    }

    public WorkerConfig withEventLoops(int count) {
        return from(this).eventLoops(count).build();
    }

    public WorkerConfig withConnections(ConnectionLimits limits) {
        return from(this).connections(limits).build();
    }

    /** Builds a {@link WorkerConfig}; each setter checks its value and says what is allowed. */
    public static final class Builder {
        private final KafkaConnection kafka;
        private final Set<Region> regions;
        private final Accounts accounts;
        private final List<Cidr> allowedDestinations;
        private int maxInFlight;
        private int maxConnectionsPerDestination;
        private Duration retryBackoff;
        private int metricsPort;
        private int eventLoops;
        private ConnectionLimits connections;
        private int commitWindow;
        private Topology topology;

        private Builder(WorkerConfig base) {
            kafka = base.kafka;
            regions = base.regions;
            accounts = base.accounts;
            allowedDestinations = base.allowedDestinations;
            maxInFlight = base.maxInFlight;
            maxConnectionsPerDestination = base.maxConnectionsPerDestination;
            retryBackoff = base.retryBackoff;
            metricsPort = base.metricsPort;
            eventLoops = base.eventLoops;
            connections = base.connections;
            commitWindow = base.commitWindow;
            topology = base.topology;
        }

        /** Jobs read but not finished, per region, before its partitions are paused. */
        public Builder maxInFlight(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("max in flight must be at least 1, not " + value);
            }
            maxInFlight = value;
            return this;
        }

        public Builder maxConnectionsPerDestination(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("connections per destination must be at least 1, not " + value);
            }
            maxConnectionsPerDestination = value;
            return this;
        }

        /** Mean jittered wait before a retry; zero retries at once. */
        public Builder retryBackoff(Duration value) {
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("retry backoff must be from 0 to 60 s (it counts against tt), not " + value);
            }
            retryBackoff = value;
            return this;
        }

        /** Port of the /health and /metrics server: 0 for a free one, -1 for none. */
        public Builder metricsPort(int value) {
            if (value < -1 || value > 65_535) {
                throw new IllegalArgumentException("metrics port must be -1 (none), 0 (any free port) or up to 65535, not "
                        + value);
            }
            metricsPort = value;
            return this;
        }

        public Builder eventLoops(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("event loops must be at least 1, not " + value);
            }
            eventLoops = value;
            return this;
        }

        public Builder connections(ConnectionLimits value) {
            connections = Objects.requireNonNull(value, "connections");
            return this;
        }

        /** Records a partition may be read past its lowest unfinished job (checked by {@link #build()}). */
        public Builder commitWindow(int value) {
            commitWindow = value;
            return this;
        }

        /** Which cluster each region lives on ({@code --topology}). */
        public Builder topology(Topology value) {
            topology = Objects.requireNonNull(value, "topology");
            return this;
        }

        public WorkerConfig build() {
            return new WorkerConfig(kafka, regions, accounts, allowedDestinations, maxInFlight, maxConnectionsPerDestination,
                    retryBackoff, metricsPort, eventLoops, connections, commitWindow, topology);
        }
    }

    /** Kafka's bootstrap address. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
