package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.frontdoor.FrontDoorLimits;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.store.JobStoreConfig;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a scheduler process needs, passed in (never read from globals).
 *
 * @param kafka how to reach Kafka: bootstrap and the client settings of {@code --kafka-config}
 * @param host HTTP listen address
 * @param port HTTP port (0 picks a free one)
 * @param layout topics to create or verify at start-up
 * @param resolver edge-region resolver
 * @param maxJobBytes largest body of {@code POST /v1/jobs}
 * @param maxBatchBytes largest body of {@code POST /v1/jobs:batch}
 * @param httpInstances HTTP verticle instances (one per event loop)
 * @param knownAccounts account names jobs may use; empty accepts any (workers then fail unknown ones)
 * @param jobStore the job store (PostgreSQL) every replica reads and writes
 * @param frontDoor header, body and idle deadlines and the connection cap of the HTTP server
 * @param access API keys and rate limits of {@code /v1}
 * @param regionalKafka the regions with a Kafka cluster of their own ({@code --topology},
 *     docs/regions.md); {@code kafka} is {@code home}
 * @param stayingAccounts accounts whose jobs never fail over to another region (data residency:
 *     {@code "failover": false} in the accounts file)
 */
public record SchedulerConfig(KafkaConnection kafka, String host, int port, TopicLayout layout, RegionResolver resolver,
        int maxJobBytes, int maxBatchBytes, int httpInstances, Set<String> knownAccounts, JobStoreConfig jobStore,
        FrontDoorLimits frontDoor, ApiAccess access, Map<Region, KafkaConnection> regionalKafka, Set<String> stayingAccounts) {

    public static final int DEFAULT_MAX_JOB_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024;
    /**
     * How fast a redrive sends jobs again: a redrive of tens of thousands must not flood the region
     * topics and the workers ahead of new traffic.
     */
    public static final int REDRIVE_JOBS_PER_SECOND = 1000;

    public SchedulerConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(frontDoor, "frontDoor");
        Objects.requireNonNull(access, "access");
        knownAccounts = Set.copyOf(knownAccounts);
        regionalKafka = new Topology(kafka, regionalKafka).regional();
        stayingAccounts = Set.copyOf(stayingAccounts);
        // May be null while a config is being put together (LocalStack adds the store it starts).
    }

    /** A builder starting from the defaults, against {@code kafka}, choosing regions with {@code resolver}. */
    public static Builder custom(KafkaConnection kafka, RegionResolver resolver) {
        return new Builder(defaults(kafka, resolver));
    }

    /** A builder starting from {@code base}: change what differs, keep the rest. */
    public static Builder from(SchedulerConfig base) {
        return new Builder(base);
    }

    /** Defaults without a job store yet: {@link #withJobStore} must add one before the scheduler starts. */
    public static SchedulerConfig defaults(String bootstrapServers, RegionResolver resolver) {
        return defaults(KafkaConnection.plaintext(bootstrapServers), resolver, null);
    }

    /** As {@link #defaults(String, RegionResolver)}, against a cluster with client settings of its own. */
    public static SchedulerConfig defaults(KafkaConnection kafka, RegionResolver resolver) {
        return defaults(kafka, resolver, null);
    }

    public static SchedulerConfig defaults(String bootstrapServers, RegionResolver resolver, JobStoreConfig jobStore) {
        return defaults(KafkaConnection.plaintext(bootstrapServers), resolver, jobStore);
    }

    public static SchedulerConfig defaults(KafkaConnection kafka, RegionResolver resolver, JobStoreConfig jobStore) {
        return new SchedulerConfig(kafka, "127.0.0.1", 8080, TopicLayout.DEFAULT, resolver,
                DEFAULT_MAX_JOB_BYTES, DEFAULT_MAX_BATCH_BYTES, Math.max(1, Runtime.getRuntime().availableProcessors()), Set.of(),
                jobStore, FrontDoorLimits.DEFAULTS, ApiAccess.OPEN, Map.of(), Set.of());
    }

    /** Which cluster each region lives on: {@code kafka} is home. */
    public Topology topology() {
        return new Topology(kafka, regionalKafka);
    }

    public SchedulerConfig withTopology(Topology topology) {
        return from(this).topology(topology).build();
    }

    public SchedulerConfig withStayingAccounts(Set<String> accounts) {
        return from(this).stayingAccounts(accounts).build();
    }

    /** Jobs a redrive sends again per second ({@value #REDRIVE_JOBS_PER_SECOND}). */
    public int redrivePerSecond() {
        return REDRIVE_JOBS_PER_SECOND;
    }

    public SchedulerConfig withPort(int newPort) {
        return from(this).port(newPort).build();
    }

    public SchedulerConfig withHost(String newHost) {
        return from(this).host(newHost).build();
    }

    public SchedulerConfig withKnownAccounts(Set<String> accounts) {
        return from(this).knownAccounts(accounts).build();
    }

    public SchedulerConfig withJobStore(JobStoreConfig store) {
        return from(this).jobStore(store).build();
    }

    public SchedulerConfig withLayout(TopicLayout newLayout) {
        return from(this).layout(newLayout).build();
    }

    public SchedulerConfig withFrontDoor(FrontDoorLimits limits) {
        return from(this).frontDoor(limits).build();
    }

    public SchedulerConfig withAccess(ApiAccess newAccess) {
        return from(this).access(newAccess).build();
    }

    /**
     * Builds a {@link SchedulerConfig} (as Resilience4j's {@code BulkheadConfig.custom()}): each
     * setter checks its value and says what is allowed, so a bad setting fails where it is made.
     */
    public static final class Builder {
        private KafkaConnection kafka;
        private String host;
        private int port;
        private TopicLayout layout;
        private RegionResolver resolver;
        private int maxJobBytes;
        private int maxBatchBytes;
        private int httpInstances;
        private Set<String> knownAccounts;
        private JobStoreConfig jobStore;
        private FrontDoorLimits frontDoor;
        private ApiAccess access;
        private Map<Region, KafkaConnection> regionalKafka;
        private Set<String> stayingAccounts;

        private Builder(SchedulerConfig base) {
            kafka = base.kafka;
            host = base.host;
            port = base.port;
            layout = base.layout;
            resolver = base.resolver;
            maxJobBytes = base.maxJobBytes;
            maxBatchBytes = base.maxBatchBytes;
            httpInstances = base.httpInstances;
            knownAccounts = base.knownAccounts;
            jobStore = base.jobStore;
            frontDoor = base.frontDoor;
            access = base.access;
            regionalKafka = base.regionalKafka;
            stayingAccounts = base.stayingAccounts;
        }

        /** Accounts whose jobs never fail over ({@code "failover": false}). */
        public Builder stayingAccounts(Set<String> value) {
            stayingAccounts = Set.copyOf(value);
            return this;
        }

        /** Home and the regions' own clusters ({@code --topology}). */
        public Builder topology(Topology value) {
            kafka = value.home();
            regionalKafka = value.regional();
            return this;
        }

        public Builder kafka(KafkaConnection value) {
            kafka = Objects.requireNonNull(value, "kafka");
            return this;
        }

        public Builder host(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("host must be an address to listen on (127.0.0.1, 0.0.0.0), not '" + value + "'");
            }
            host = value;
            return this;
        }

        /** The HTTP port, 0 for any free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, not " + value);
            }
            port = value;
            return this;
        }

        public Builder layout(TopicLayout value) {
            layout = Objects.requireNonNull(value, "layout");
            return this;
        }

        public Builder resolver(RegionResolver value) {
            resolver = Objects.requireNonNull(value, "resolver");
            return this;
        }

        /** The largest body of {@code POST /v1/jobs}, in bytes. */
        public Builder maxJobBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("the largest job must be at least 1024 bytes, not " + value);
            }
            maxJobBytes = value;
            return this;
        }

        /** The largest body of {@code POST /v1/jobs:batch}, in bytes (at least one job's). */
        public Builder maxBatchBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("the largest batch must be at least 1024 bytes, not " + value);
            }
            maxBatchBytes = value;
            return this;
        }

        public Builder httpInstances(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("http instances must be at least 1, not " + value);
            }
            httpInstances = value;
            return this;
        }

        /** Account names jobs may use; empty accepts any. */
        public Builder knownAccounts(Set<String> value) {
            knownAccounts = Set.copyOf(value);
            return this;
        }

        /** The job store; may stay unset while a config is put together (LocalStack adds the one it starts). */
        public Builder jobStore(JobStoreConfig value) {
            jobStore = value;
            return this;
        }

        public Builder frontDoor(FrontDoorLimits value) {
            frontDoor = Objects.requireNonNull(value, "frontDoor");
            return this;
        }

        public Builder access(ApiAccess value) {
            access = Objects.requireNonNull(value, "access");
            return this;
        }

        public SchedulerConfig build() {
            if (maxBatchBytes < maxJobBytes) {
                throw new IllegalArgumentException("the largest batch (" + maxBatchBytes + " bytes) must hold at least"
                        + " the largest job (" + maxJobBytes + " bytes)");
            }
            return new SchedulerConfig(kafka, host, port, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances,
                    knownAccounts, jobStore, frontDoor, access, regionalKafka, stayingAccounts);
        }
    }

    /** Kafka's bootstrap address. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
