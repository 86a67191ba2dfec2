package dev.edgedispatcher.store;

/**
 * Where a job's region record is: the topic it was actually read from (or published to), partition,
 * offset. The topic is stored as read, never derived from the region the record names: a record may
 * name another region than the topic it sits on, or an unknown one.
 */
public record RecordLocation(String id, String topic, int partition, long offset) {
}
