package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.AckedProducer;
import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.health.ProducerHealth;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes jobs to their region topic (with the job id in a header), on the region's cluster
 * ({@link Topology}: one producer per cluster), and dead letters to the DLQ on {@code home}.
 * A future completes only when Kafka has acknowledged the record, and fails (within
 * {@link KafkaClientSettings#DELIVERY_TIMEOUT_MS} plus {@link KafkaClientSettings#MAX_BLOCK_MS})
 * when it cannot: no caller is ever told a record is safe when it is not. Only {@code home}'s
 * publishes tell the {@code producer} health component: a regional cluster being away makes its
 * region unavailable, not the scheduler unready.
 */
public final class JobPublisher implements AutoCloseable {

    /** A caller learns the outcome within delivery timeout plus metadata wait, however many send at once. */
    private static final Duration HAND_OVER_WITHIN = Duration.ofMillis(KafkaClientSettings.MAX_BLOCK_MS);

    private final AckedProducer home;
    private final Map<Region, AckedProducer> regional = new EnumMap<>(Region.class);
    private final ProducerHealth health;
    private final Topology topology;

    /** Everything on one cluster. {@code health} learns the outcome of every publish. */
    public JobPublisher(KafkaConnection kafka, String clientId, ProducerHealth health) {
        this(Topology.single(kafka), clientId, health);
    }

    /** {@code health} learns the outcome of every publish to {@code home}. */
    public JobPublisher(Topology topology, String clientId, ProducerHealth health) {
        this.topology = topology;
        this.home = new AckedProducer(topology.home(), clientId);
        topology.regional().forEach((region, kafka) -> regional.put(region, new AckedProducer(kafka,
                clientId + "-" + region.wireName())));
        this.health = health;
    }

    /**
     * Publishes {@code job} to its region's topic, keyed and headed from {@code job}, with
     * {@code value} as the record's value: it must be {@code RecordJson.write(job)} (the caller
     * keeps those bytes, serialised once: {@code RecentAccepts}).
     */
    public CompletableFuture<RecordMetadata> publish(JobRecord job, byte[] value) {
        Region region = Region.fromWireName(job.region()).orElseThrow();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.region(region), job.kafkaKey(), value);
        record.headers().add(Topics.JOB_ID_HEADER, job.id().getBytes(StandardCharsets.UTF_8));
        AckedProducer producer = regional.get(region);
        if (producer != null) {
            CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
            producer.send(record, HAND_OVER_WITHIN).whenComplete((metadata, error) -> {
                if (error == null) {
                    sent.complete(metadata);
                    return;
                }
                KafkaAccessDenied.of(error, "writing to " + record.topic() + " on " + region.wireName() + "'s cluster")
                        .ifPresent(topology.of(region)::accessDenied);
                sent.completeExceptionally(new RegionUnavailableException(region, Failures.cause(error)));
            });
            return sent;
        }
        return observed(home.send(record, HAND_OVER_WITHIN), record.topic());
    }

    public CompletableFuture<RecordMetadata> publishDeadLetter(String key, DeadLetter deadLetter) {
        return observed(home.send(new ProducerRecord<>(Topics.DLQ, key, RecordJson.write(deadLetter)), HAND_OVER_WITHIN),
                Topics.DLQ);
    }

    private CompletableFuture<RecordMetadata> observed(CompletableFuture<RecordMetadata> sent, String topic) {
        sent.whenComplete((metadata, error) -> {
            if (error == null) {
                health.published();
            } else {
                // A missing write ACL fails every publish to the topic: the process is told (the CLI exits).
                KafkaAccessDenied.of(error, "writing to " + topic).ifPresent(topology.home()::accessDenied);
                health.publishFailed(error);
            }
        });
        return sent;
    }

    @Override
    public void close() {
        home.close();
        regional.values().forEach(AckedProducer::close);
    }
}
