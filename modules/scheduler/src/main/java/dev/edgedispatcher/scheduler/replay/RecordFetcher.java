package dev.edgedispatcher.scheduler.replay;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.store.RecordLocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads jobs' region records back from Kafka by location (as the job store recorded it), so that
 * the store need not keep every job's URL, params and body to retry it. Not thread-safe: one caller
 * at a time. Offsets close together are read in one pass; far apart, by seeking.
 */
final class RecordFetcher implements AutoCloseable {

    /** Farther than this ahead, a seek costs less than reading past the records in between. */
    private static final long SEEK_GAP = 1000;

    private final KafkaConsumer<String, byte[]> home;
    /** Consumers of the regions with a cluster of their own; the others read on {@link #home}. */
    private final Map<Region, KafkaConsumer<String, byte[]>> regional = new EnumMap<>(Region.class);

    RecordFetcher(KafkaConnection kafka, String clientId) {
        this(Topology.single(kafka), clientId);
    }

    /** Reads each region's records on the region's cluster ({@link Topology}). */
    RecordFetcher(Topology topology, String clientId) {
        this.home = new KafkaConsumer<>(KafkaClientSettings.consumer(topology.home(), null, clientId));
        topology.regional().forEach((region, kafka) -> regional.put(region, new KafkaConsumer<>(
                KafkaClientSettings.consumer(kafka, null, clientId + "-" + region.wireName()))));
    }

    /**
     * A record read at a job's location: its value when it is that job's record, else (value null)
     * why not.
     */
    record Fetched(byte[] value, String notThisJob, boolean timedOut) {
    }

    /**
     * The records found, by job id; a location whose record is gone (topic retention) is left out, one
     * not reached before the deadline is marked {@code timedOut}. A
     * record is taken as the job's only when its job-id header (or, without one, its {@code id}
     * field) is the job's id: a location is never trusted to hold the job it was recorded for.
     * All partitions are read at once, each from its first wanted offset.
     */
    Map<String, Fetched> fetch(List<RecordLocation> locations, Duration timeout) {
        if (regional.isEmpty()) {
            return fetch(home, locations, timeout);
        }
        Map<KafkaConsumer<String, byte[]>, List<RecordLocation>> byCluster = new java.util.IdentityHashMap<>();
        for (RecordLocation location : locations) {
            KafkaConsumer<String, byte[]> consumer = Topics.regionOf(location.topic())
                    .map(region -> regional.getOrDefault(region, home)).orElse(home);
            byCluster.computeIfAbsent(consumer, c -> new ArrayList<>()).add(location);
        }
        Map<String, Fetched> found = new HashMap<>();
        byCluster.forEach((consumer, some) -> found.putAll(fetch(consumer, some, timeout)));
        return found;
    }

    private Map<String, Fetched> fetch(KafkaConsumer<String, byte[]> consumer, List<RecordLocation> locations,
            Duration timeout) {
        Map<TopicPartition, ArrayDeque<RecordLocation>> wanted = new HashMap<>();
        for (RecordLocation location : locations) {
            wanted.computeIfAbsent(new TopicPartition(location.topic(), location.partition()), tp -> new ArrayDeque<>())
                    .add(location);
        }
        Map<String, Fetched> found = new HashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        consumer.assign(wanted.keySet());
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(wanted.keySet(), timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(wanted.keySet(), timeout);
        for (Iterator<Map.Entry<TopicPartition, ArrayDeque<RecordLocation>>> it = wanted.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, ArrayDeque<RecordLocation>> entry = it.next();
            List<RecordLocation> sorted = new ArrayList<>(entry.getValue());
            sorted.sort(Comparator.comparingLong(RecordLocation::offset));
            long first = begin.get(entry.getKey());
            long last = end.get(entry.getKey());
            // Below the beginning: deleted by retention; at or past the end: never written here.
            sorted.removeIf(location -> location.offset() < first || location.offset() >= last);
            entry.getValue().clear();
            entry.getValue().addAll(sorted);
            if (sorted.isEmpty()) {
                it.remove();
            }
        }
        consumer.assign(wanted.keySet());
        wanted.forEach((partition, queue) -> consumer.seek(partition, queue.peekFirst().offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!wanted.isEmpty() && System.nanoTime() < deadline) {
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (TopicPartition partition : records.partitions()) {
                ArrayDeque<RecordLocation> queue = wanted.get(partition);
                if (queue == null) {
                    continue;
                }
                long lastRead = -1;
                for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                    lastRead = record.offset();
                    while (!queue.isEmpty() && queue.peekFirst().offset() < record.offset()) {
                        queue.pollFirst(); // not there (a compacted or aborted record)
                    }
                    if (!queue.isEmpty() && queue.peekFirst().offset() == record.offset()) {
                        RecordLocation location = queue.pollFirst();
                        found.put(location.id(), location.id().equals(idOf(record)) ? new Fetched(record.value(), null, false)
                                // Another job's record (perhaps another account's): never named in the reason.
                                : new Fetched(null, "the record at " + record.topic() + " partition " + record.partition()
                                        + " offset " + record.offset() + " is not this job's (its id differs)", false));
                    }
                }
                if (queue.isEmpty()) {
                    wanted.remove(partition);
                    consumer.pause(List.of(partition));
                } else if (queue.peekFirst().offset() > lastRead + SEEK_GAP) {
                    consumer.seek(partition, queue.peekFirst().offset());
                }
            }
        }
        consumer.assign(List.of()); // and unpause: the next fetch starts clean
        // Still wanted at the deadline: not read, which says nothing about whether they are there.
        wanted.values().forEach(queue -> queue.forEach(location -> found.put(location.id(), new Fetched(null, null, true))));
        return found;
    }

    /** The record's job id: its header, else its {@code id} field; null when it has neither (or is unreadable). */
    static String idOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.JOB_ID_HEADER);
        if (header != null) {
            return new String(header.value(), StandardCharsets.UTF_8);
        }
        try {
            return record.value() == null ? null : RecordJson.MAPPER.readTree(record.value()).path("id").textValue();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        home.close(Duration.ofSeconds(2));
        regional.values().forEach(consumer -> consumer.close(Duration.ofSeconds(2)));
    }
}
