package dev.edgedispatcher.app;

import dev.edgedispatcher.scheduler.status.JobStatusIndex;
import picocli.CommandLine.Option;

/** How much job status the scheduler keeps in memory; shared by `scheduler` and `up`. */
final class StatusIndexOptions {

    @Option(names = "--status-retention-jobs", paramLabel = "N", defaultValue = "" + JobStatusIndex.DEFAULT_RETAINED_FINAL_JOBS,
            description = {"Final (delivered/failed) jobs whose full status the scheduler keeps in memory, newest first"
                    + " (default: ${DEFAULT-VALUE}; about 650 bytes of heap each with one attempt).",
                    "Older final jobs are evicted: GET /v1/jobs/{id} answers 404 \"evicted\" and a repeated id is still"
                            + " not published again.",
                    "Jobs not yet final are never evicted."})
    int statusRetentionJobs;
}
