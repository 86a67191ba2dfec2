package dev.edgedispatcher.scheduler.replay;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.status.RecordLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads jobs' region records back from Kafka by location, so that the status index need not keep
 * every job's URL, params and body in memory to retry it. Not thread-safe: one caller at a time.
 * Offsets close together are read in one pass; far apart, by seeking.
 */
final class RecordFetcher implements AutoCloseable {

    /** Farther than this ahead, a seek costs less than reading past the records in between. */
    private static final long SEEK_GAP = 1000;

    private final KafkaConsumer<String, byte[]> consumer;

    RecordFetcher(KafkaConnection kafka, String clientId) {
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.consumer(kafka, null, clientId));
    }

    /** The values found, by job id; a location whose record is gone (topic retention) is left out. */
    Map<String, byte[]> fetch(List<RecordLocation> locations, Duration timeout) {
        Map<TopicPartition, List<RecordLocation>> byPartition = new LinkedHashMap<>();
        for (RecordLocation location : locations) {
            String topic = Topics.region(Region.fromWireName(location.region()).orElseThrow());
            byPartition.computeIfAbsent(new TopicPartition(topic, location.partition()), tp -> new ArrayList<>()).add(location);
        }
        Map<String, byte[]> found = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<TopicPartition, List<RecordLocation>> entry : byPartition.entrySet()) {
            read(entry.getKey(), entry.getValue(), found, deadline);
        }
        return found;
    }

    private void read(TopicPartition partition, List<RecordLocation> wanted, Map<String, byte[]> found, long deadline) {
        wanted.sort(Comparator.comparingLong(RecordLocation::offset));
        consumer.assign(List.of(partition));
        long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        int next = 0;
        while (next < wanted.size() && wanted.get(next).offset() < begin) {
            next++; // deleted by retention
        }
        if (next >= wanted.size()) {
            return;
        }
        consumer.seek(partition, wanted.get(next).offset());
        long position = wanted.get(next).offset();
        while (next < wanted.size() && wanted.get(next).offset() < end && System.nanoTime() < deadline) {
            if (wanted.get(next).offset() > position + SEEK_GAP) {
                consumer.seek(partition, wanted.get(next).offset());
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
                position = record.offset() + 1;
                while (next < wanted.size() && wanted.get(next).offset() < record.offset()) {
                    next++; // not there (a compacted or aborted record)
                }
                if (next < wanted.size() && wanted.get(next).offset() == record.offset()) {
                    found.put(wanted.get(next).id(), record.value());
                    next++;
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
