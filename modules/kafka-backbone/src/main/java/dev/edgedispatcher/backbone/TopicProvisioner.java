package dev.edgedispatcher.backbone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or verifies every topic of a {@link TopicLayout}, grows partition counts that are too
 * small, and waits until every partition has a leader that serves requests. Nothing may produce
 * before this returns: producing right after creation can lose a batch (the record-loss race).
 * Kafka refusing the user (credentials, ACLs) is thrown at once as {@link KafkaAccessDenied}.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    public void ensure(TopicLayout layout, Duration timeout) throws InterruptedException, TimeoutException {
        ensure(layout.partitionsByTopic(), layout.replicationFactor(), timeout);
    }

    /** As {@link #ensure(TopicLayout, Duration)}, for these topics only (one cluster of a {@link Topology}). */
    public void ensure(Map<String, Integer> wanted, short replicationFactor, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            wanted.forEach((topic, partitions) -> {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, replicationFactor));
                }
            });
            if (!missing.isEmpty()) {
                createTolerantly(missing, deadline);
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            }
            growPartitions(wanted, deadline);
            awaitLeaders(wanted, deadline);
        } catch (ExecutionException e) {
            KafkaAccessDenied.of(e.getCause(), "provisioning topics " + wanted.keySet()).ifPresent(denied -> {
                throw denied;
            });
            throw new IllegalStateException("provisioning topics failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void createTolerantly(List<NewTopic> topics, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(topics).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // Another process created one of them first: fine, the describe below verifies them.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private void growPartitions(Map<String, Integer> wanted, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> descriptions = describe(wanted, deadline);
        Map<String, NewPartitions> increases = new HashMap<>();
        wanted.forEach((topic, partitions) -> {
            int actual = descriptions.get(topic).partitions().size();
            if (actual < partitions) {
                increases.put(topic, NewPartitions.increaseTo(partitions));
            }
        });
        if (!increases.isEmpty()) {
            admin.createPartitions(increases).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            LOG.info("grew partitions: {}", increases.keySet());
        }
    }

    private void awaitLeaders(Map<String, Integer> wanted, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            Map<String, TopicDescription> descriptions = describe(wanted, deadline);
            List<String> notReady = new ArrayList<>();
            wanted.forEach((topic, partitions) -> {
                TopicDescription description = descriptions.get(topic);
                long withLeader = description.partitions().stream().map(TopicPartitionInfo::leader)
                        .filter(leader -> leader != null && !leader.isEmpty()).count();
                if (description.partitions().size() < partitions || withLeader < description.partitions().size()) {
                    notReady.add(topic);
                }
            });
            if (notReady.isEmpty() && leadersServe(descriptions, deadline)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions without a leader in " + notReady);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Whether every partition's leader answers a ListOffsets request. The metadata can name a leader
     * before that broker has become leader: an idempotent producer that writes then gets
     * NOT_LEADER_OR_FOLLOWER for its first batch while later batches land, and the retried first
     * batch fails forever with OutOfOrderSequenceException (seen here: records lost).
     */
    private boolean leadersServe(Map<String, TopicDescription> descriptions, long deadline)
            throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        descriptions.forEach((topic, description) -> description.partitions()
                .forEach(info -> partitions.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest())));
        try {
            admin.listOffsets(partitions).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            KafkaAccessDenied.of(e.getCause(), "asking the partition leaders of " + descriptions.keySet()
                    + " for their offsets").ifPresent(denied -> {
                        throw denied;
                    });
            LOG.debug("partition leaders not serving yet: {}", e.getCause().getMessage());
            return false;
        }
    }

    /** Describes the topics, waiting while topics just created are not yet known to the broker answering. */
    private Map<String, TopicDescription> describe(Map<String, Integer> wanted, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                return admin.describeTopics(wanted.keySet()).allTopicNames()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static long remainingMs(long deadline) throws TimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
            throw new TimeoutException("topic provisioning ran out of time");
        }
        return remaining;
    }
}
