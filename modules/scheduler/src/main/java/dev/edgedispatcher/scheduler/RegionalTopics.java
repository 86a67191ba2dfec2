package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topology;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions a region's own cluster (its region topic, results and dead letters) on a thread of
 * its own, retrying until it succeeds: a scheduler starts while a regional cluster is down
 * (docs/regions.md), and that region's jobs are refused until its cluster answers.
 */
final class RegionalTopics {

    private static final Logger LOG = LoggerFactory.getLogger(RegionalTopics.class);
    private static final Duration ATTEMPT = Duration.ofSeconds(20);
    private static final long RETRY_MS = 5_000;

    private RegionalTopics() {
    }

    static void provisionInBackground(Topology.Cluster cluster, TopicLayout layout) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Admin admin = Admin.create(KafkaClientSettings.admin(cluster.connection()))) {
                    new TopicProvisioner(admin).ensure(cluster.topics(layout), layout.replicationFactor(), ATTEMPT);
                    LOG.info("topics of {}'s cluster ({}) are ready", cluster.name(), cluster.connection().bootstrapServers());
                    return;
                } catch (KafkaAccessDenied denied) {
                    cluster.connection().accessDenied(denied);
                    return;
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    LOG.warn("topics of {}'s cluster ({}) not provisioned yet, retrying in {} s: {}", cluster.name(),
                            cluster.connection().bootstrapServers(), RETRY_MS / 1000, e.toString());
                }
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "provision-" + cluster.name());
        thread.setDaemon(true);
        thread.start();
    }
}
