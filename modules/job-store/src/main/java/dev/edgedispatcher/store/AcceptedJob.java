package dev.edgedispatcher.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import java.io.IOException;

/**
 * A job's region record as the store keeps it (the fields of its row, {@code resolution} and
 * {@code policy} as JSON text), and where it was read.
 */
public record AcceptedJob(String id, long submittedAtMs, String account, String region, String url, String retryOf,
        String resolution, String policy, String topic, int partition, long offset) {

    /** The row of {@code job}, published at {@code topic}-{@code partition}@{@code offset}. */
    public static AcceptedJob of(JobRecord job, String topic, int partition, long offset) {
        return new AcceptedJob(job.id(), job.submittedAtMs(), job.account(), job.region(), job.url(), job.retryOf(),
                json(job.resolution()), json(job.policy()), topic, partition, offset);
    }

    /**
     * The row of the region record {@code value}, read without building the job (docs/job-store.md,
     * "Reading a record"); fails as {@link RegionRecordFields#read} says.
     */
    public static AcceptedJob read(byte[] value, String topic, int partition, long offset) throws IOException {
        return RegionRecordFields.read(value, topic, partition, offset);
    }

    private static String json(JsonNode node) {
        try {
            return node == null || node.isNull() ? null : RecordJson.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record's JSON trees are JSON", e);
        }
    }
}
