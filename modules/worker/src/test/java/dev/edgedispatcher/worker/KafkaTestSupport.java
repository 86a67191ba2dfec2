package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/** Publishing jobs and reading results with the plain Kafka clients, as a producer or auditor would. */
final class KafkaTestSupport {

    private KafkaTestSupport() {
    }

    static void provision(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
            new TopicProvisioner(admin).ensure(TopicLayout.DEFAULT, Duration.ofSeconds(60));
        }
    }

    static JobRecord job(String id, String url, Region region, String orderingKey) {
        return JobRecord.builder(id, url, region.wireName()).params(Map.of("CallUUID", id)).orderingKey(orderingKey).build();
    }

    static void publish(String bootstrap, List<JobRecord> jobs) throws Exception {
        // A patient test producer: the product's 5 s delivery bound is for API callers, not for fixtures.
        Map<String, Object> props = KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "test-jobs");
        props.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.put(org.apache.kafka.clients.producer.ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (JobRecord job : jobs) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(Topics.region(Region.fromWireName(job.region()).orElseThrow()),
                        job.kafkaKey(), RecordJson.write(job)), (metadata, error) -> {
                            if (error != null) {
                                ack.completeExceptionally(error);
                            } else {
                                ack.complete(null);
                            }
                        });
                acks.add(ack);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
    }

    /** Writes records as they are, with a plain producer: how a poison record gets onto a region topic. */
    static void publishRaw(String bootstrap, List<ProducerRecord<String, byte[]>> records) {
        Map<String, Object> props = KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "test-raw");
        props.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.put(org.apache.kafka.clients.producer.ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            records.forEach(record -> acks.add(producer.send(record)));
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing raw records failed", e);
        }
    }

    static ProducerRecord<String, byte[]> raw(Region region, int partition, String key, String value) {
        return new ProducerRecord<>(Topics.region(region), partition, key,
                value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static ProducerRecord<String, byte[]> record(Region region, int partition, JobRecord job) {
        return new ProducerRecord<>(Topics.region(region), partition, job.kafkaKey(), RecordJson.write(job));
    }

    /** The group's committed offset of one partition (-1 when none). */
    static long committed(String bootstrap, String group, org.apache.kafka.common.TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
            var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            var committed = offsets.get(partition);
            return committed == null ? -1 : committed.offset();
        }
    }

    static void setResultsMaxMessageBytes(String bootstrap, int bytes) throws Exception {
        try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.RESULTS);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", String.valueOf(bytes)),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** The partition Kafka's default partitioner picks for a key. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    static List<ResultEvent> results(String bootstrap) {
        List<ResultEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(bootstrap, Topics.RESULTS)) {
            try {
                events.add(RecordJson.read(record.value(), ResultEvent.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    /** Every final event on the results topic, by job id (a job re-delivered after a crash may have two). */
    static Map<String, List<ResultEvent.Final>> finals(String bootstrap) {
        return results(bootstrap).stream().filter(ResultEvent.Final.class::isInstance).map(ResultEvent.Final.class::cast)
                .collect(java.util.stream.Collectors.groupingBy(ResultEvent.Final::id));
    }

    /** The first final event of each job. */
    static Map<String, ResultEvent.Final> firstFinals(String bootstrap) {
        Map<String, ResultEvent.Final> first = new java.util.HashMap<>();
        finals(bootstrap).forEach((id, events) -> first.put(id, events.get(0)));
        return first;
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        return TopicContents.readAll(bootstrap, topic);
    }
}
