package dev.edgedispatcher.worker.dispatch;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.callback.CallbackTarget;
import java.util.Optional;

/** What a region record turned out to be: a job to deliver, or a poison record for the DLQ. */
public sealed interface DecodedRecord {

    /**
     * A valid job.
     *
     * @param destination the host of its primary URL (any port), for per-destination admission
     * @param targets     its URLs as the decoder parsed them: delivered without parsing them again
     */
    record Job(JobRecord job, String destination, Targets targets) implements DecodedRecord {
    }

    /** A job's primary URL and its fallback, with their callback policies, parsed once. */
    record Targets(CallbackTarget primary, Optional<CallbackTarget> fallback) {
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
