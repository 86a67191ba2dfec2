package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.TopicLayout;
import picocli.CommandLine.Option;

/** Topic layout options shared by the commands that provision topics. */
final class KafkaOptions {

    @Option(names = "--region-partitions", paramLabel = "N", defaultValue = "12",
            description = "Partitions per region topic (default: ${DEFAULT-VALUE}); existing topics only grow.")
    int regionPartitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
            description = "Replication factor of topics created (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    TopicLayout layout() {
        return TopicLayout.DEFAULT.withRegionPartitions(regionPartitions).withReplicationFactor(replicationFactor);
    }
}
