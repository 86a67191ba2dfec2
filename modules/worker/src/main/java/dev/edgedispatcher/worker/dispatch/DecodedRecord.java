package dev.edgedispatcher.worker.dispatch;

import dev.edgedispatcher.backbone.JobRecord;
import java.util.Optional;

/** What a region record turned out to be: a job to deliver, or a poison record for the DLQ. */
public sealed interface DecodedRecord {

    /**
     * A valid job.
     *
     * @param destination the host of its primary URL (any port), for per-destination admission
     */
    record Job(JobRecord job, String destination) implements DecodedRecord {
    }

    /**
     * A record that is not a valid job, or cannot be delivered (poison records, docs/api.md, "Kafka
     * topics").
     *
     * @param id the job id when the record has a valid one: it then gets a final {@code failed} outcome
     */
    record Poison(Optional<String> id, String reason, String field, String detail) implements DecodedRecord {
    }
}
