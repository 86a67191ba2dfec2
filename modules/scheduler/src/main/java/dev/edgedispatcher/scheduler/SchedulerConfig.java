package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.frontdoor.FrontDoorLimits;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.store.JobStoreConfig;
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
 */
public record SchedulerConfig(KafkaConnection kafka, String host, int port, TopicLayout layout, RegionResolver resolver,
        int maxJobBytes, int maxBatchBytes, int httpInstances, Set<String> knownAccounts, JobStoreConfig jobStore,
        FrontDoorLimits frontDoor, ApiAccess access) {

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
        // May be null while a config is being put together (LocalStack adds the store it starts).
    }

    /** Defaults against a plaintext, unauthenticated cluster. */
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
                jobStore, FrontDoorLimits.DEFAULTS, ApiAccess.OPEN);
    }

    /** Jobs a redrive sends again per second ({@value #REDRIVE_JOBS_PER_SECOND}). */
    public int redrivePerSecond() {
        return REDRIVE_JOBS_PER_SECOND;
    }

    public SchedulerConfig withPort(int newPort) {
        return new SchedulerConfig(kafka, host, newPort, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances, knownAccounts,
                jobStore, frontDoor, access);
    }

    public SchedulerConfig withHost(String newHost) {
        return new SchedulerConfig(kafka, newHost, port, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances, knownAccounts,
                jobStore, frontDoor, access);
    }

    public SchedulerConfig withKnownAccounts(Set<String> accounts) {
        return new SchedulerConfig(kafka, host, port, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances,
                accounts, jobStore, frontDoor, access);
    }

    public SchedulerConfig withJobStore(JobStoreConfig store) {
        return new SchedulerConfig(kafka, host, port, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances,
                knownAccounts, store, frontDoor, access);
    }

    public SchedulerConfig withLayout(TopicLayout newLayout) {
        return new SchedulerConfig(kafka, host, port, newLayout, resolver, maxJobBytes, maxBatchBytes, httpInstances, knownAccounts,
                jobStore, frontDoor, access);
    }

    public SchedulerConfig withFrontDoor(FrontDoorLimits limits) {
        return new SchedulerConfig(kafka, host, port, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances, knownAccounts,
                jobStore, limits, access);
    }

    public SchedulerConfig withAccess(ApiAccess newAccess) {
        return new SchedulerConfig(kafka, host, port, layout, resolver, maxJobBytes, maxBatchBytes, httpInstances, knownAccounts,
                jobStore, frontDoor, newAccess);
    }

    /** Kafka's bootstrap address. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
