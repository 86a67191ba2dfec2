package dev.edgedispatcher.backbone;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every Kafka client setting of the system in one place, with why. Keys are strings, values JSON
 * bytes. The settings of {@code --kafka-config} ({@link KafkaConnection#clientProperties()}) apply to
 * every client and win over the defaults here (timeouts, batching, ...), except the keys in
 * {@link #PRODUCT_OWNED}, which a file may not set at all: security settings always come from the
 * file, delivery guarantees and serialisation always from here.
 */
public final class KafkaClientSettings {

    /**
     * Upper bound on how long a send may take before its callback reports failure; with
     * {@link #MAX_BLOCK_MS} this bounds how long an API caller waits when Kafka is unreachable.
     */
    public static final int DELIVERY_TIMEOUT_MS = 5000;
    /** How long {@code send()} may block for metadata or buffer space. */
    public static final int MAX_BLOCK_MS = 2000;
    public static final int REQUEST_TIMEOUT_MS = 3000;
    /**
     * How long a consumer group waits for a silent member before giving its partitions to others:
     * the failover time after a crashed worker. Kafka's 45 s default would stall a region that long.
     */
    public static final int SESSION_TIMEOUT_MS = 10_000;

    /**
     * The session timeout of region workers' consumers (the broker's smallest by default): a killed
     * worker leaves its group this long after its last heartbeat, and the scheduler counts a region
     * whose group has no member as down (docs/regions.md, "Region health").
     */
    public static final int WORKER_SESSION_TIMEOUT_MS = 6_000;

    /**
     * Keys the dispatcher sets and a {@code --kafka-config} file may not: the delivery guarantees
     * (acks=all, idempotence, ordering with 5 in flight, no transactions), the serialisation of keys
     * and values, manual commits from the earliest offset, and the consumer groups and client ids
     * that ACLs and the offset-commit protocol rely on. The bootstrap comes from {@code --bootstrap}.
     */
    public static final Set<String> PRODUCT_OWNED = Set.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.CLIENT_ID_CONFIG);

    private KafkaClientSettings() {
    }

    /** Defaults, then the file's settings over them, then the product-owned ones (which the file cannot hold). */
    private static Map<String, Object> merge(KafkaConnection kafka, Map<String, Object> defaults, Map<String, Object> owned) {
        Map<String, Object> props = new HashMap<>(defaults);
        props.putAll(kafka.clientProperties());
        props.putAll(owned);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return props;
    }

    /**
     * How long a producer waits to fill a batch by default: short, since an API caller waits for
     * its job's acknowledgement (a longer wait cost single submissions more at p99 than the fewer
     * requests saved: BENCHMARKS.md).
     */
    public static final int LINGER_MS = 2;

    /**
     * The linger of producers whose acknowledgement nobody waits for on a request: the worker's
     * result writer (result events, dead letters, parked jobs' copies). Its wait delays a status,
     * an offset commit or a parked job's return by at most this, no running delivery, and a
     * burst's outcomes go to the broker in a few large requests instead of one or two records each.
     */
    public static final int BACKGROUND_LINGER_MS = 20;

    /** Idempotent, acks=all: a record acknowledged is on every in-sync replica, never duplicated by a retry. */
    public static Map<String, Object> producer(KafkaConnection kafka, String clientId) {
        return producer(kafka, clientId, LINGER_MS);
    }

    /** As {@link #producer(KafkaConnection, String)}, waiting {@code lingerMs} to fill a batch unless the client file says otherwise. */
    public static Map<String, Object> producer(KafkaConnection kafka, String clientId, int lingerMs) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        defaults.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        defaults.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        defaults.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        Map<String, Object> owned = new HashMap<>();
        owned.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        owned.put(ProducerConfig.ACKS_CONFIG, "all");
        owned.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        owned.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        owned.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        owned.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return merge(kafka, defaults, owned);
    }

    /** Manual commits only: an offset is committed after the work for it is durably done. */
    public static Map<String, Object> consumer(KafkaConnection kafka, String groupId, String clientId) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        defaults.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        defaults.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MS / 4);
        // Incremental rebalancing: a member keeps the partitions it is not asked to give up, so a pool
        // scaling out or in moves only the partitions that change hands (docs/operations.md, "Scaling
        // a region"). A default, so that an upgrade from the eager assignor can go in two rolls.
        defaults.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        Map<String, Object> owned = new HashMap<>();
        if (groupId != null) {
            owned.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        owned.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        owned.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        owned.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        owned.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        owned.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return merge(kafka, defaults, owned);
    }

    /** As {@link #consumer}, for a region's workers: a shorter session, so that a killed worker is missed within seconds. */
    public static Map<String, Object> workerConsumer(KafkaConnection kafka, String groupId, String clientId) {
        Map<String, Object> settings = consumer(kafka, groupId, clientId);
        if (!kafka.clientProperties().containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, WORKER_SESSION_TIMEOUT_MS);
            settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, WORKER_SESSION_TIMEOUT_MS / 4);
        }
        return settings;
    }

    public static Map<String, Object> admin(KafkaConnection kafka) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        defaults.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return merge(kafka, defaults, Map.of());
    }
}
