package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.backbone.KafkaConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.store.JobStoreConfig;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.resolver.RegionResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts, Kafka intake and Kafka outages, each on a broker of its own that the test may stop. */
class SchedulerDurabilityTest {

    private static SchedulerService startScheduler(String bootstrap) throws Exception {
        return startScheduler(bootstrap, TestStores.fresh());
    }

    private static SchedulerService startScheduler(String bootstrap, JobStoreConfig store) throws Exception {
        RegionResolver resolver = RegionResolver.builder().noGeoLocator("not needed here").homeRegion(Region.N_VIRGINIA).build();
        return SchedulerService.start(SchedulerConfig.defaults(bootstrap, resolver).withJobStore(store).withPort(0));
    }

    private static ApiResponse post(SchedulerService scheduler, String body) throws Exception {
        return ApiClient.local(scheduler.port()).post("/v1/jobs", body);
    }

    private static JsonNode status(SchedulerService scheduler, String id) throws Exception {
        ApiResponse response = ApiClient.local(scheduler.port()).get("/v1/jobs/" + id);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    @Test
    void statusAndIdempotencySurviveARestartOfSchedulerAndBroker(@TempDir Path dataDir) throws Exception {
        String job = "{\"id\": \"restart-1\", \"url\": \"https://example.com/a#er=frankfurt\"}";
        JobStoreConfig store = TestStores.fresh();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
                SchedulerService scheduler = startScheduler(broker.bootstrapServers(), store)) {
            assertThat(post(scheduler, job).status()).isEqualTo(202);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
                SchedulerService scheduler = startScheduler(broker.bootstrapServers(), store)) {
            // The first scheduler may have stopped before its sink stored the job: the second one's
            // sink catches up from Kafka.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> status(scheduler, "restart-1"));
            JsonNode status = status(scheduler, "restart-1");
            assertThat(status.get("state").asText()).isEqualTo("queued");
            assertThat(status.get("region").asText()).isEqualTo("frankfurt");
            ApiResponse again = post(scheduler, job);
            assertThat(again.status()).isEqualTo(202);
            assertThat(again.json().get("duplicate").asBoolean()).isTrue();
            long published = TopicContents.readAll(broker.bootstrapServers(), Topics.region(Region.FRANKFURT)).stream()
                    .filter(record -> "restart-1".equals(record.key())).count();
            assertThat(published).isEqualTo(1);
        }
    }

    @Test
    void jobsPublishedToTheIntakeTopicAreValidatedAndPoisonGoesToTheDlq(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
                SchedulerService scheduler = startScheduler(broker.bootstrapServers());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        KafkaClientSettings.producer(KafkaConnection.plaintext(broker.bootstrapServers()), "test-producer"))) {
            byte[] garbage = {(byte) 0xff, (byte) 0xfe, 'x'};
            producer.send(new ProducerRecord<>(Topics.JOBS, "p1", "{not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.JOBS, "p2", garbage)).get();
            producer.send(new ProducerRecord<>(Topics.JOBS, "p3",
                    "{\"url\": \"https://example.com/a#ct=5\"}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.JOBS, "ok",
                    "{\"id\": \"intake-ok\", \"url\": \"https://example.com/a#er=mumbai\"}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.JOBS, "noid",
                    "{\"url\": \"https://example.com/b#er=mumbai\"}".getBytes(StandardCharsets.UTF_8))).get();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<ConsumerRecord<String, byte[]>> region = TopicContents.readAll(broker.bootstrapServers(),
                        Topics.region(Region.MUMBAI));
                assertThat(region).extracting(ConsumerRecord::key).contains("intake-ok");
                assertThat(region).hasSize(2);
                assertThat(TopicContents.readAll(broker.bootstrapServers(), Topics.DLQ)).hasSize(3);
            });
            List<JsonNode> dead = TopicContents.readAll(broker.bootstrapServers(), Topics.DLQ).stream()
                    .map(record -> TestJson.read(record.value())).toList();
            assertThat(dead).extracting(node -> node.get("reason").asText())
                    .containsExactlyInAnyOrder("malformed_json", "malformed_json", "invalid_field");
            JsonNode invalid = dead.stream().filter(node -> node.get("field").asText().equals("ct")).findFirst().orElseThrow();
            assertThat(invalid.get("detail").asText()).contains("100–10000");
            assertThat(invalid.get("original_value").asText()).isEqualTo("{\"url\": \"https://example.com/a#ct=5\"}");
            assertThat(invalid.get("source_topic").asText()).isEqualTo(Topics.JOBS);
            assertThat(dead).anySatisfy(node -> assertThat(node.path("original_value_base64").asText()).isEqualTo("//54"));
            assertThat(status(scheduler, "intake-ok").get("region").asText()).isEqualTo("mumbai");
        }
    }

    @Test
    void whenKafkaIsDownTheApiAnswers503InBoundedTime(@TempDir Path dataDir) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
        try (SchedulerService scheduler = startScheduler(broker.bootstrapServers())) {
            assertThat(post(scheduler, "{\"url\": \"https://example.com/a#er=frankfurt\"}").status()).isEqualTo(202);
            broker.close();
            long started = System.nanoTime();
            ApiResponse response = post(scheduler, "{\"id\": \"while-down\", \"url\": \"https://example.com/a#er=frankfurt\"}");
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(response.status()).as(response.text()).isEqualTo(503);
            // Kafka had the record handed over and did not confirm it: it may have been written, so the
            // answer is in doubt and names the id (a refusal before the hand-over says NOT accepted).
            assertThat(response.json().get("error").asText()).as(response.text()).isIn("in_doubt", "kafka_unavailable");
            if (response.json().get("error").asText().equals("in_doubt")) {
                assertThat(response.json().get("id").asText()).isEqualTo("while-down");
            } else {
                assertThat(response.json().get("detail").asText()).contains("NOT accepted");
            }
            // Bound: the producer's delivery timeout plus send's metadata wait, and scheduling slack.
            assertThat(elapsedMs).isLessThan(KafkaClientSettings.DELIVERY_TIMEOUT_MS + KafkaClientSettings.MAX_BLOCK_MS + 2000);
        } finally {
            broker.close();
        }
    }
}
