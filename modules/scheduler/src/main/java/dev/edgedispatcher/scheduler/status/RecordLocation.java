package dev.edgedispatcher.scheduler.status;

/** Where a job's region record is: {@code webhooks.region.<region>}, partition, offset. */
public record RecordLocation(String id, String region, int partition, long offset) {
}
