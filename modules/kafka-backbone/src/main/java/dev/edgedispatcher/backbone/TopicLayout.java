package dev.edgedispatcher.backbone;

import dev.edgedispatcher.callback.Region;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many partitions each topic has and its replication factor. Region topics default to 12
 * partitions: the most consumers one region's group can use.
 */
public record TopicLayout(int regionPartitions, int jobsPartitions, int resultsPartitions, int dlqPartitions,
        short replicationFactor) {

    public static final TopicLayout DEFAULT = new TopicLayout(12, 6, 12, 1, (short) 1);

    public TopicLayout {
        if (regionPartitions < 1 || jobsPartitions < 1 || resultsPartitions < 1 || dlqPartitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partition counts and replication factor must be at least 1");
        }
    }

    public TopicLayout withRegionPartitions(int partitions) {
        return new TopicLayout(partitions, jobsPartitions, resultsPartitions, dlqPartitions, replicationFactor);
    }

    public TopicLayout withReplicationFactor(short factor) {
        return new TopicLayout(regionPartitions, jobsPartitions, resultsPartitions, dlqPartitions, factor);
    }

    /** Every topic with its partition count, in a stable order. */
    public Map<String, Integer> partitionsByTopic() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(Topics.JOBS, jobsPartitions);
        for (Region region : Region.values()) {
            topics.put(Topics.region(region), regionPartitions);
        }
        topics.put(Topics.RESULTS, resultsPartitions);
        topics.put(Topics.DLQ, dlqPartitions);
        return topics;
    }
}
