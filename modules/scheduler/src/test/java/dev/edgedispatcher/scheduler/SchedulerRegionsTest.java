package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/regions} (jobs by state, deliveries/s, lag) and the status page's files, against a
 * real broker. Result events are written as a worker writes them; other tests share the broker, so
 * counts are compared with what they were before.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SchedulerRegionsTest {

    private static SchedulerService scheduler;
    private static ApiClient api;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        scheduler = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(TestStores.fresh()).withPort(0));
        api = ApiClient.local(scheduler.port());
        producer = new KafkaProducer<>(KafkaClientSettings.producer(
                KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()), "regions-test"));
    }

    @AfterAll
    static void stop() {
        producer.close();
        scheduler.close();
    }

    private static JsonNode region(String name) throws Exception {
        for (JsonNode region : get("/v1/regions").get("regions")) {
            if (region.get("region").asText().equals(name)) {
                return region;
            }
        }
        throw new AssertionError("no region " + name);
    }

    private static void publish(ResultEvent event) throws Exception {
        producer.send(new ProducerRecord<>(Topics.RESULTS, event.id(), RecordJson.write(event))).get();
    }

    private static String submit(String region) throws Exception {
        String id = SchedulerApiTest.uniqueId();
        ApiResponse response = api.post("/v1/jobs", "{\"id\": \"" + id + "\", \"url\": \"https://example.com/cb#er="
                + region + "\"}");
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return id;
    }

    /** GET of a JSON document that must answer 200. */
    private static JsonNode get(String path) throws Exception {
        ApiResponse response = api.get(path);
        assertThat(response.status()).as(path + ": " + response.text()).isEqualTo(200);
        return response.json();
    }

    @Test
    void everyRegionIsListedWithJobsByStateDeliveriesAndLag() throws Exception {
        JsonNode regions = get("/v1/regions").get("regions");
        List<String> names = regions.findValuesAsText("region");
        assertThat(names).containsExactly("n_california", "n_virginia", "frankfurt", "singapore", "mumbai");
        for (JsonNode region : regions) {
            assertThat(fieldNames(region.get("jobs"))).containsExactly("queued", "in_flight", "delivered", "failed");
            assertThat(region.get("deliveries_per_second").isNumber()).isTrue();
            assertThat(region.has("lag")).isTrue();
        }
    }

    @Test
    void countsFollowEachJobFromQueuedToItsFinalStateAndDeliveriesPerSecondRise() throws Exception {
        JsonNode before = region("singapore").get("jobs");
        String delivered = submit("singapore");
        String failed = submit("singapore");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(region("singapore").at("/jobs/queued").asLong())
                .isEqualTo(before.get("queued").asLong() + 2));

        publish(ResultEvent.started(delivered, "singapore"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode jobs = region("singapore").get("jobs");
            assertThat(jobs.get("queued").asLong()).isEqualTo(before.get("queued").asLong() + 1);
            assertThat(jobs.get("in_flight").asLong()).isEqualTo(before.get("in_flight").asLong() + 1);
        });

        publish(ResultEvent.attempt(delivered, "singapore", "https://example.com/cb", "primary", 1, "ok", 200, null,
                Instant.now().toString(), 12));
        publish(ResultEvent.finalOutcome(delivered, "singapore", JobState.DELIVERED, "primary", List.of(), "delivered"));
        publish(ResultEvent.attempt(failed, "singapore", "https://example.com/cb", "primary", 1, "5xx", 503,
                "HTTP 503", Instant.now().toString(), 30));
        publish(ResultEvent.finalOutcome(failed, "singapore", JobState.FAILED, null, List.of("5xx"), "5xx on every attempt"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode now = region("singapore");
            assertThat(now.at("/jobs/queued").asLong()).isEqualTo(before.get("queued").asLong());
            assertThat(now.at("/jobs/in_flight").asLong()).isEqualTo(before.get("in_flight").asLong());
            assertThat(now.at("/jobs/delivered").asLong()).isEqualTo(before.get("delivered").asLong() + 1);
            assertThat(now.at("/jobs/failed").asLong()).isEqualTo(before.get("failed").asLong() + 1);
            assertThat(now.get("deliveries_per_second").asDouble()).isGreaterThan(0.0);
        });

        // A failed job says why as a whole, besides its attempts.
        JsonNode status = get("/v1/jobs/" + failed);
        assertThat(status.get("reason").asText()).isEqualTo("5xx on every attempt");
        assertThat(get("/v1/jobs/" + delivered).has("reason")).isFalse();
    }

    @Test
    void lagIsWhatTheRegionsWorkerGroupHasNotCommitted() throws Exception {
        // The workers' group commits everything there is: no lag. Then three more jobs: a lag of 3.
        String topic = Topics.region(Region.MUMBAI);
        try (KafkaConsumer<String, byte[]> workers = new KafkaConsumer<>(KafkaClientSettings.consumer(
                KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()), Topics.workerGroup(Region.MUMBAI),
                "regions-test"))) {
            List<TopicPartition> partitions = workers.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> ends = workers.endOffsets(partitions).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, end -> new OffsetAndMetadata(end.getValue())));
            workers.commitSync(ends);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(region("mumbai").get("lag").asLong())
                .isZero());
        for (int i = 0; i < 3; i++) {
            submit("mumbai");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(region("mumbai").get("lag").asLong())
                .isEqualTo(3));
    }

    @Test
    void theStatusPageAndItsFilesAreServedWithoutAKey() throws Exception {
        ApiResponse page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type").orElse("")).startsWith("text/html");
        assertThat(page.header("content-security-policy").orElse("")).contains("script-src 'self'");
        assertThat(page.text()).contains("<script src=\"/static/status.js\"></script>", "id=\"regions\"",
                "id=\"failures\"", "id=\"api-key\"");
        ApiResponse script = api.get("/static/status.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("content-type").orElse("")).startsWith("text/javascript");
        assertThat(script.text()).contains("/v1/regions");
        String etag = script.header("etag").orElseThrow();
        assertThat(api.get("/static/status.js", "if-none-match", etag).status()).isEqualTo(304);
        assertThat(api.get("/static/status.css").status()).isEqualTo(200);
        assertThat(api.get("/static/nothing.js").status()).isEqualTo(404);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
