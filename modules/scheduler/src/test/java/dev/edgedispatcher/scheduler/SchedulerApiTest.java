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
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.resolver.GeoIpTestData;
import dev.edgedispatcher.resolver.RegionResolver;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler's HTTP API (docs/api.md, "HTTP API") against a real embedded Kafka broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class SchedulerApiTest {

    private static SchedulerService scheduler;
    private static ApiClient api;

    static RegionResolver resolver() throws Exception {
        return RegionResolver.builder().geoLocator(GeoIpTestData.database()).homeRegion(Region.N_VIRGINIA).build();
    }

    @BeforeAll
    static void startScheduler() throws Exception {
        scheduler = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(), resolver()).withJobStore(TestStores.fresh()).withPort(0));
        api = ApiClient.local(scheduler.port());
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.close();
    }

    static String uniqueId() {
        return "t-" + UUID.randomUUID();
    }

    static long countOnTopic(String topic, String id) {
        return TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), topic).stream()
                .filter(record -> new String(record.value(), StandardCharsets.UTF_8).contains("\"id\":\"" + id + "\""))
                .count();
    }

    /**
     * docs/metrics.md, "Label values": what clients name (fields, parameters) never becomes a label
     * value. 4,000 submissions with distinct unknown fields, bad parameters and good parameters grow
     * /metrics by less than 20 KB (a series per name grew it by about 50 bytes each).
     */
    @Test
    void distinctFieldAndParamNamesDoNotGrowTheMetrics() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // One of each first: the series that exist for these inputs at all exist now.
        assertThat(api.post("/v1/jobs", "{\"url\": \"https://example.com/m#er=mumbai\", \"warm-" + run + "\": 1}").status())
                .isEqualTo(400);
        assertThat(api.post("/v1/jobs", "{\"url\": \"https://example.com/m#er=mumbai\", \"params\": {\"w-" + run
                + "\": null}}").status()).isEqualTo(400);
        assertThat(api.post("/v1/jobs", "{\"url\": \"https://example.com/m#er=mumbai\", \"params\": {\"w-" + run
                + "\": \"v\"}}").status()).isEqualTo(202);
        int before = api.get("/metrics").text().length();
        for (int i = 0; i < 4000; i++) {
            String body = switch (i % 4) {
                case 0, 1 -> "{\"url\": \"https://example.com/m#er=mumbai\", \"field-" + run + "-" + i + "\": 1}";
                case 2 -> "{\"url\": \"https://example.com/m#er=mumbai\", \"params\": {\"P" + run + i + "\": [1]}}";
                default -> "{\"url\": \"https://example.com/m#er=mumbai\", \"params\": {\"P" + run + i + "\": \"v\"}}";
            };
            int status = api.post("/v1/jobs", body).status();
            assertThat(status).as(body).isEqualTo(i % 4 == 3 ? 202 : 400);
        }
        int after = api.get("/metrics").text().length();
        System.out.printf("/metrics: %d bytes before 4,000 distinct names, %d after%n", before, after);
        assertThat(after - before).as("bytes /metrics grew by").isLessThan(20_000);
    }

    @Test
    void aValidJobIsAcceptedWithItsRegionAndPolicyOnlyOnceKafkaHasIt() throws Exception {
        String id = uniqueId();
        ApiResponse response = api.post("/v1/jobs", """
                {"id": "%s", "url": "https://example.com/answer?x=1#rc=3&rp=5xx,ct&er=frankfurt",
                 "params": {"CallUUID": "abc"}}""".formatted(id));
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().get("id").asText()).isEqualTo(id);
        assertThat(response.body().get("region").asText()).isEqualTo("frankfurt");
        assertThat(response.body().at("/policy/rc").asInt()).isEqualTo(3);
        assertThat(response.body().at("/policy/rp").toString()).isEqualTo("[\"5xx\",\"ct\"]");
        assertThat(response.body().at("/resolution/rule").asText()).isEqualTo("explicit");
        List<ConsumerRecord<String, byte[]>> onTopic = TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(),
                Topics.region(Region.FRANKFURT)).stream()
                .filter(record -> record.key().equals(id)).toList();
        assertThat(onTopic).hasSize(1);
        JsonNode record = TestJson.read(onTopic.get(0).value());
        assertThat(record.get("url").asText()).isEqualTo("https://example.com/answer?x=1#rc=3&rp=5xx,ct&er=frankfurt");
        assertThat(record.at("/params/CallUUID").asText()).isEqualTo("abc");
        assertThat(record.get("method").asText()).isEqualTo("POST");
    }

    @Test
    void nearestIsResolvedWithTheRealGeoIpDataAndAnIdIsGeneratedWhenAbsent() throws Exception {
        ApiResponse response = api.post("/v1/jobs", "{\"url\": \"http://141.1.1.1/cb\"}");
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().get("region").asText()).isEqualTo("frankfurt");
        assertThat(response.body().at("/resolution/rule").asText()).isEqualTo("nearest");
        String id = response.body().get("id").asText();
        assertThat(UUID.fromString(id).version()).isEqualTo(7);
    }

    @Test
    void theOrderingKeyWithinItsAccountIsTheKafkaKey() throws Exception {
        String id = uniqueId();
        assertThat(api.post("/v1/jobs", """
                {"id": "%s", "url": "https://example.com/a#er=mumbai", "ordering_key": "call-42"}""".formatted(id)).status())
                .isEqualTo(202);
        assertThat(TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.MUMBAI)).stream()
                .filter(record -> new String(record.value(), StandardCharsets.UTF_8).contains(id))
                .map(ConsumerRecord::key)).containsExactly("7:default/call-42");
    }

    @Test
    void badInputGets400NamingTheField() throws Exception {
        assertError(api.post("/v1/jobs", "{\"url\": "), "body", "not valid JSON");
        assertError(api.post("/v1/jobs", "[]"), "body", "JSON object");
        assertError(api.post("/v1/jobs", "{}"), "url", "url is missing");
        assertError(api.post("/v1/jobs", "{\"url\": \"ftp://example.com/x\"}"), "url", "not supported");
        assertError(api.post("/v1/jobs", "{\"url\": 42}"), "url", "must be a string");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a#ct=50\"}"), "ct", "100–10000");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a#plivo_timeout=5\"}"), "fragment", "ct, rt, tt, rc, rp, er");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"kind\": \"answer\"}"), "kind", "answer_url");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"method\": \"PUT\"}"), "method", "GET or POST");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"params\": {\"a\": 1}}"), "params.a", "must be a string");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"colour\": \"red\"}"), "colour", "unknown field");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"fallback_url\": \"https://example.com/f#rt=1\"}"),
                "fallback_url#rt", "100–40000");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"method\": \"GET\", \"body\": \"x\"}"), "body", "POST");
        assertError(api.post("/v1/jobs", "{\"url\": \"https://example.com/a\", \"id\": \"a b\"}"), "id", "letters, digits");
    }

    private static void assertError(ApiResponse response, String field, String detailContains) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.body().get("field").asText()).isEqualTo(field);
        assertThat(response.body().get("detail").asText()).contains(detailContains);
        assertThat(response.body().get("error").asText()).isNotBlank();
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        String huge = "{\"url\": \"https://example.com/a\", \"body\": \"" + "x".repeat(SchedulerConfig.DEFAULT_MAX_JOB_BYTES) + "\"}";
        ApiResponse response = api.post("/v1/jobs", huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body().get("detail").asText()).contains(String.valueOf(SchedulerConfig.DEFAULT_MAX_JOB_BYTES));
    }

    @Test
    void aStreamedBodyOverTheLimitGets413TooAndUnknownRoutesGetJsonErrors() throws Exception {
        byte[] huge = ("{\"url\": \"https://example.com/a\", \"body\": \""
                + "x".repeat(SchedulerConfig.DEFAULT_MAX_JOB_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        // No content-length: chunked, so the limit is found while reading, not from the header.
        ApiResponse streamed = api.send(api.request("/v1/jobs")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))).build());
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(streamed.json().get("detail").asText())
                .contains(String.valueOf(SchedulerConfig.DEFAULT_MAX_JOB_BYTES));

        ApiResponse unknown = api.get("/v1/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("field").asText()).isEqualTo("path");
        assertThat(unknown.body().get("detail").asText()).contains("POST /v1/jobs:batch");
        // The ':' of /v1/jobs:batch is literal, not a path parameter.
        assertThat(api.post("/v1/jobsXbatch", "[]").status()).isEqualTo(404);
        ApiResponse wrongMethod = api.post("/v1/explain", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().get("field").asText()).isEqualTo("method");
    }

    @Test
    void theSameIdIsAcceptedOnce() throws Exception {
        String id = uniqueId();
        String job = "{\"id\": \"%s\", \"url\": \"https://example.com/a#er=singapore\"}".formatted(id);
        ApiResponse first = api.post("/v1/jobs", job);
        ApiResponse second = api.post("/v1/jobs", job);
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.body().get("duplicate").asBoolean()).isTrue();
        assertThat(second.body().get("region").asText()).isEqualTo("singapore");
        assertThat(countOnTopic(Topics.region(Region.SINGAPORE), id)).isEqualTo(1);
    }

    @Test
    void aBatchAnswersPerJobInInputOrderAcceptingTheValidOnes() throws Exception {
        String a = uniqueId();
        String c = uniqueId();
        ApiResponse response = api.post("/v1/jobs:batch", """
                [{"id": "%s", "url": "https://example.com/a#er=n_virginia"},
                 {"url": "https://example.com/b#rc=9"},
                 {"id": "%s", "url": "https://example.com/c#er=n_virginia"},
                 "not a job"]""".formatted(a, c));
        assertThat(response.status()).isEqualTo(200);
        JsonNode results = response.body().get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("id").asText()).isEqualTo(a);
        assertThat(results.get(1).get("index").asInt()).isEqualTo(1);
        assertThat(results.get(1).get("field").asText()).isEqualTo("rc");
        assertThat(results.get(2).get("id").asText()).isEqualTo(c);
        assertThat(results.get(3).get("index").asInt()).isEqualTo(3);
        assertThat(countOnTopic(Topics.region(Region.N_VIRGINIA), a)).isEqualTo(1);
        assertThat(countOnTopic(Topics.region(Region.N_VIRGINIA), c)).isEqualTo(1);
    }

    @Test
    void aBatchOfMoreThanAThousandIsRefused() throws Exception {
        String jobs = "[" + String.join(",", java.util.Collections.nCopies(1001, "{\"url\": \"https://example.com/a\"}")) + "]";
        assertThat(api.post("/v1/jobs:batch", jobs).status()).isEqualTo(413);
        assertThat(api.post("/v1/jobs:batch", "{}").status()).isEqualTo(400);
    }

    @Test
    void statusFollowsTheResultsTopic() throws Exception {
        String id = uniqueId();
        assertThat(api.post("/v1/jobs", "{\"id\": \"%s\", \"url\": \"https://example.com/a#er=frankfurt\"}".formatted(id)).status())
                .isEqualTo(202);
        ApiResponse queued = api.get("/v1/jobs/" + id);
        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.body().get("state").asText()).isEqualTo("queued");
        assertThat(queued.body().get("region").asText()).isEqualTo("frankfurt");
        assertThat(queued.body().get("delivered_by").isNull()).isTrue();

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaClientSettings.producer(KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()), "test"))) {
            producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.started(id, "frankfurt")))).get();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.get("/v1/jobs/" + id).body().path("state").asText()).isEqualTo("in_flight"));
            producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.attempt(id, "frankfurt",
                    "https://example.com/a", "primary", 1, "5xx", 503, "HTTP 503", "2026-11-27T10:00:00Z", 12)))).get();
            // As a worker writes it: the succeeded attempt travels in the final event.
            producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.finalOutcome(id, "frankfurt",
                    JobState.DELIVERED, "primary", List.of("5xx"), "HTTP 200").withLastAttempt(ResultEvent.attempt(id, "frankfurt",
                    "https://example.com/a", "primary", 2, "ok", 200, "HTTP 200", "2026-11-27T10:00:01Z", 9))))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode status = api.get("/v1/jobs/" + id).body();
            assertThat(status.get("state").asText()).isEqualTo("delivered");
            assertThat(status.get("delivered_by").asText()).isEqualTo("primary");
            assertThat(status.get("attempts")).hasSize(2);
            assertThat(status.at("/attempts/0/outcome").asText()).isEqualTo("5xx");
            assertThat(status.at("/attempts/0/status").asInt()).isEqualTo(503);
            assertThat(status.at("/attempts/1/attempt").asInt()).isEqualTo(2);
            assertThat(status.at("/attempts/1/outcome").asText()).isEqualTo("ok");
            assertThat(status.at("/attempts/1/status").asInt()).isEqualTo(200);
            assertThat(status.at("/attempts/1/duration_ms").asLong()).isEqualTo(9);
            assertThat(status.at("/attempts/1/started_at").asText()).isEqualTo("2026-11-27T10:00:01Z");
            assertThat(status.at("/attempts/0/reason").asText()).isEqualTo("HTTP 503");
        });
        assertThat(api.get("/v1/jobs/no-such-job").status()).isEqualTo(404);
    }

    @Test
    void explainServesTheSameDocumentAsTheCommandLine() throws Exception {
        String url = URLEncoder.encode("http://8.8.8.8/cb#er=local", StandardCharsets.UTF_8);
        ApiResponse local = api.get("/v1/explain?url=" + url + "&media_server=ms-mumbai-1");
        assertThat(local.status()).isEqualTo(200);
        assertThat(local.body().get("region").asText()).isEqualTo("mumbai");
        assertThat(local.body().get("url").asText()).isEqualTo("http://8.8.8.8/cb");
        ApiResponse bad = api.get("/v1/explain?url=" + URLEncoder.encode("https://x.com/#tt=99", StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("field").asText()).isEqualTo("tt");
    }

    /** docs/metrics.md: each accepted single submission is timed once per stage; a refusal is not timed. */
    @Test
    void anAcceptedSingleSubmissionIsTimedOncePerStageAndARefusalNotAtAll() throws Exception {
        double[] before = submitTimings();
        assertThat(api.post("/v1/jobs", "{\"id\": \"%s\", \"url\": \"https://example.com/a#er=mumbai\"}"
                .formatted(uniqueId())).status()).isEqualTo(202);
        assertThat(api.post("/v1/jobs", "{\"url\": \"https://example.com/a#rc=99\"}").status()).isEqualTo(400);
        double[] after = submitTimings();
        for (int i = 0; i < before.length; i++) {
            assertThat(after[i] - before[i]).as("new observations of timer %d", i).isEqualTo(1.0);
        }
    }

    /** Counts of dispatcher_submit_seconds by stage (read, accept, reply), then of dispatcher_scheduler_claim_seconds. */
    private static double[] submitTimings() throws Exception {
        String text = api.get("/metrics").text();
        String[] series = {"dispatcher_submit_seconds_count{stage=\"read\"}", "dispatcher_submit_seconds_count{stage=\"accept\"}",
            "dispatcher_submit_seconds_count{stage=\"reply\"}", "dispatcher_scheduler_claim_seconds_count "};
        double[] counts = new double[series.length];
        for (String line : text.split("\n")) {
            for (int i = 0; i < series.length; i++) {
                if (line.startsWith(series[i])) {
                    counts[i] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return counts;
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        assertThat(api.get("/health").status()).isEqualTo(200);
        api.post("/v1/jobs", "{\"url\": \"https://example.com/a#er=frankfurt\"}");
        ApiResponse metrics = api.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("dispatcher_jobs_accepted_total{region=\"frankfurt\"}");
    }
}
