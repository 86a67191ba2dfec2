package dev.edgedispatcher.store;

import dev.edgedispatcher.backbone.JobRecord;

/** A job's region record as the sink read it, and where it read it. */
public record AcceptedJob(JobRecord job, String topic, int partition, long offset) {
}
