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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Search, retry and redrive (docs/api.md, "Finding and redriving jobs") against a real embedded
 * broker.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReplayApiTest {

    private static SchedulerService scheduler;
    private static ApiClient api;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        scheduler = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(TestStores.fresh()).withPort(0));
        api = ApiClient.local(scheduler.port());
        producer = new KafkaProducer<>(KafkaClientSettings.producer(
                KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()), "replay-test"));
    }

    @AfterAll
    static void stop() {
        producer.close();
        scheduler.close();
    }

    static String host() {
        return "h-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    static String submit(String url) throws Exception {
        ApiResponse accepted = api.post("/v1/jobs", "{\"url\": \"" + url + "\"}");
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        return accepted.body().get("id").asText();
    }

    /** What a worker writes for a job that failed: started, one attempt, final. */
    static void fail(String id, String region, String outcome, int status) throws Exception {
        producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.started(id, region)))).get();
        producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.attempt(id, region,
                "https://x/", "primary", 1, outcome, status, "HTTP " + status, "2026-12-01T01:00:00Z", 5)))).get();
        producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.finalOutcome(id, region,
                JobState.FAILED, null, List.of(outcome), "HTTP " + status)))).get();
    }

    static void awaitState(String id, String state) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(api.get("/v1/jobs/" + id).body().path("state").asText()).isEqualTo(state));
    }

    @Test
    void listingFiltersPagesNewestFirstAndKeepsItsPlaceWhileJobsArrive() throws Exception {
        String host = host();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit("https://" + host + "/cb/" + i + "#er=frankfurt"));
        }
        String elsewhere = submit("https://" + host + "/cb/x#er=mumbai");
        fail(ids.get(1), "frankfurt", "5xx", 503);
        awaitState(ids.get(1), "failed");

        ApiResponse failed = api.get("/v1/jobs?state=failed&host=" + host.toUpperCase());
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.body().get("jobs")).hasSize(1);
        JsonNode job = failed.body().at("/jobs/0");
        assertThat(job.get("id").asText()).isEqualTo(ids.get(1));
        assertThat(job.get("host").asText()).isEqualTo(host);
        assertThat(job.get("last_outcome").asText()).isEqualTo("5xx");
        assertThat(job.get("submitted_at").asText()).endsWith("Z");
        assertThat(job.get("attempts")).hasSize(1);
        assertThat(failed.body().get("next_cursor").isNull()).isTrue();
        assertThat(api.get("/v1/jobs?outcome=5xx&host=" + host).body().get("jobs")).hasSize(1);
        assertThat(api.get("/v1/jobs?region=mumbai&host=" + host).body().at("/jobs/0/id").asText())
                .isEqualTo(elsewhere);

        // Pages of two over the five frankfurt jobs, with a new job accepted between the pages.
        List<String> seen = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiResponse page = api.get("/v1/jobs?region=frankfurt&host=" + host + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.body().get("jobs").forEach(j -> {
                seen.add(j.get("id").asText());
                keys.add(j.get("submitted_at").asText() + " " + j.get("id").asText());
            });
            cursor = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asText();
            if (pages++ == 0) {
                submit("https://" + host + "/cb/late#er=frankfurt");
            }
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        // Each once, newest accept first (ties by id, descending); the late job is newer than the first page.
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(keys).isSortedAccordingTo(java.util.Comparator.comparing(
                (String key) -> java.time.Instant.parse(key.split(" ")[0])).thenComparing(key -> key.split(" ")[1]).reversed());

        String since = job.get("submitted_at").asText();
        assertThat(api.get("/v1/jobs?host=" + host + "&since=" + since + "&until=" + since).body().get("jobs"))
                .isEmpty();
    }

    @Test
    void invalidFiltersAre400NamingTheFieldTheValueAndWhatIsAllowed() throws Exception {
        assertRefused(api.get("/v1/jobs?state=lost"), "state", "lost", "queued, in_flight, delivered, failed");
        assertRefused(api.get("/v1/jobs?region=mars"), "region", "mars", "frankfurt");
        assertRefused(api.get("/v1/jobs?outcome=timeout"), "outcome", "timeout", "5xx");
        assertRefused(api.get("/v1/jobs?since=yesterday"), "since", "yesterday", "ISO-8601");
        assertRefused(api.get("/v1/jobs?limit=0"), "limit", "0", "1 to 1000");
        assertRefused(api.get("/v1/jobs?limit=1001"), "limit", "1001", "1 to 1000");
        assertRefused(api.get("/v1/jobs?cursor=bogus"), "cursor", "bogus", "next_cursor");
        assertRefused(api.get("/v1/jobs?status=failed"), "status", "status", "state");
        assertRefused(api.post("/v1/jobs:redrive", "{\"state\": \"queued\"}"), "state", "queued", "delivered, failed");
        assertRefused(api.post("/v1/jobs:redrive", "{}"), "state", "missing", "failed");
        assertRefused(api.post("/v1/jobs:redrive", "{\"state\": \"failed\", \"dry_run\": \"yes\"}"), "dry_run", "yes",
                "true or false");
    }

    private static void assertRefused(ApiResponse response, String field, String value, String allowed) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(400);
        assertThat(response.body().get("field").asText()).isEqualTo(field);
        assertThat(response.body().get("detail").asText()).contains(value).contains(allowed);
        assertThat(response.body().get("error").asText()).isNotBlank();
    }

    @Test
    void retryOfAFinalJobPublishesANewJobWithTheOriginalWebhookId() throws Exception {
        String host = host();
        String original = submit("https://" + host + "/cb?x=1#er=singapore&rc=2");
        ApiResponse early = api.post("/v1/jobs/" + original + ":retry", null);
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.body().get("detail").asText()).contains("queued");

        fail(original, "singapore", "ct", 0);
        awaitState(original, "failed");
        ApiResponse retried = api.post("/v1/jobs/" + original + ":retry", null);
        assertThat(retried.status()).as(String.valueOf(retried.body())).isEqualTo(202);
        assertThat(retried.body().get("retry_of").asText()).isEqualTo(original);
        String again = retried.body().get("id").asText();
        assertThat(again).isNotEqualTo(original);

        JsonNode record = onRegionTopic(Region.SINGAPORE, again);
        assertThat(record.get("webhook_id").asText()).isEqualTo(original);
        assertThat(record.get("retry_of").asText()).isEqualTo(original);
        assertThat(record.get("url").asText()).isEqualTo("https://" + host + "/cb?x=1#er=singapore&rc=2");
        ApiResponse status = api.get("/v1/jobs/" + again);
        assertThat(status.body().get("state").asText()).isEqualTo("queued");
        assertThat(status.body().get("retry_of").asText()).isEqualTo(original);

        // A retry of the retry still carries the first job's delivery id.
        fail(again, "singapore", "ct", 0);
        awaitState(again, "failed");
        String third = api.post("/v1/jobs/" + again + ":retry", null).body().get("id").asText();
        assertThat(onRegionTopic(Region.SINGAPORE, third).get("webhook_id").asText()).isEqualTo(original);
        // Both failed jobs of the chain have a newer repeat (the third is queued): a redrive sends none.
        ApiResponse redrive = api.post("/v1/jobs:redrive", "{\"state\": \"failed\", \"host\": \"" + host + "\"}");
        assertThat(redrive.body().get("matched").asInt()).isZero();

        assertThat(api.post("/v1/jobs/no-such-job:retry", null).status()).isEqualTo(404);
        assertThat(api.post("/v1/jobs/" + original + ":explode", null).status()).isIn(404, 405);
    }

    static JsonNode onRegionTopic(Region region, String id) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (var record : TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(region))) {
            JsonNode node = TestJson.read(record.value());
            if (node.path("id").asText().equals(id)) {
                found.add(node);
            }
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void redriveSendsEachMatchedJobOnceReportsPoisonAndShowsProgressInMetrics() throws Exception {
        String host = host();
        List<String> failedIds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String id = submit("https://" + host + "/r/" + i + "#er=n_virginia");
            fail(id, "n_virginia", "5xx", 500);
            failedIds.add(id);
        }
        String stillQueued = submit("https://" + host + "/r/q#er=n_virginia");
        // A record on a region topic that was never a valid job (ct=5 is out of range), failed by a worker.
        String poison = "p-" + UUID.randomUUID();
        ProducerRecord<String, byte[]> bad = new ProducerRecord<>(Topics.region(Region.N_VIRGINIA), poison, ("{\"id\":\""
                + poison + "\",\"url\":\"https://" + host + "/p#ct=5\",\"kind\":\"answer_url\",\"method\":\"POST\","
                + "\"region\":\"n_virginia\",\"submitted_at_ms\":" + System.currentTimeMillis() + "}")
                .getBytes(StandardCharsets.UTF_8));
        bad.headers().add(Topics.JOB_ID_HEADER, poison.getBytes(StandardCharsets.UTF_8));
        producer.send(bad).get();
        fail(poison, "n_virginia", "ct", 0);
        for (String id : failedIds) {
            awaitState(id, "failed");
        }
        awaitState(poison, "failed");

        String filter = "\"state\": \"failed\", \"host\": \"" + host + "\"";
        ApiResponse dry = api.post("/v1/jobs:redrive", "{" + filter + ", \"dry_run\": true}");
        assertThat(dry.status()).as(String.valueOf(dry.body())).isEqualTo(200);
        assertThat(dry.body().get("matched").asInt()).isEqualTo(8);
        assertThat(dry.body().get("accepted").asInt()).isZero();
        assertThat(dry.body().get("not_redrivable").asInt()).isEqualTo(1);
        assertThat(dry.body().at("/not_redrivable_samples/0/id").asText()).isEqualTo(poison);
        assertThat(dry.body().at("/not_redrivable_samples/0/reason").asText()).contains("never a valid job").contains("ct");

        // The two newest first (the poison record is the newest), then the rest: a job already sent
        // again is not matched again, its repeat stands for it.
        ApiResponse limited = api.post("/v1/jobs:redrive", "{" + filter + ", \"limit\": 2, \"region\": \"n_virginia\"}");
        assertThat(limited.body().get("matched").asInt()).isEqualTo(2);
        int first = limited.body().get("accepted").asInt();
        assertThat(first + limited.body().get("not_redrivable").asInt()).isEqualTo(2);
        ApiResponse redrive = api.post("/v1/jobs:redrive", "{" + filter + "}");
        assertThat(redrive.status()).isEqualTo(200);
        assertThat(redrive.body().get("matched").asInt()).isEqualTo(8 - first);
        assertThat(redrive.body().get("accepted").asInt()).isEqualTo(7 - first);
        assertThat(redrive.body().get("not_redrivable").asInt()).isEqualTo(1);
        ApiResponse again = api.post("/v1/jobs:redrive", "{" + filter + "}");
        assertThat(again.body().get("matched").asInt()).isEqualTo(1);
        assertThat(again.body().get("accepted").asInt()).isZero();

        // Each failed job exactly once over the three calls; the queued and the poison one never.
        List<String> retryOf = new ArrayList<>();
        for (var record : TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.N_VIRGINIA))) {
            JsonNode node = TestJson.read(record.value());
            if (node.has("retry_of") && node.path("url").asText().contains(host)) {
                retryOf.add(node.get("retry_of").asText());
            }
        }
        assertThat(retryOf).containsExactlyInAnyOrderElementsOf(failedIds).doesNotContain(stillQueued, poison);

        String metrics = api.get("/metrics").text();
        assertThat(metrics).contains("dispatcher_redrive_accepted_total").contains("dispatcher_redrive_matched_total")
                .contains("dispatcher_redrive_not_redrivable_total").contains("dispatcher_redrive_pending");
    }

    /** A record written straight onto a region topic (as a broken producer would), with the given job-id header. */
    private static void writeRaw(Region topicRegion, String header, String id, String region, String host) throws Exception {
        ProducerRecord<String, byte[]> raw = new ProducerRecord<>(Topics.region(topicRegion), id, ("{\"id\":\"" + id
                + "\",\"url\":\"https://" + host + "/raw\",\"kind\":\"answer_url\",\"method\":\"POST\","
                + "\"region\":\"" + region + "\",\"submitted_at_ms\":" + System.currentTimeMillis() + "}")
                .getBytes(StandardCharsets.UTF_8));
        raw.headers().add(Topics.JOB_ID_HEADER, header.getBytes(StandardCharsets.UTF_8));
        producer.send(raw).get();
    }

    @Test
    void recordsNamingAnUnknownOrAnotherRegionOrAnotherIdAreNotRedrivableAndNeverSendAnotherJob() throws Exception {
        String host = host();
        // Jobs on the mumbai topic that a wrong offset could land on.
        for (int i = 0; i < 20; i++) {
            submit("https://" + host + "/m/" + i + "#er=mumbai");
        }
        String mars = "mars-" + UUID.randomUUID();
        writeRaw(Region.FRANKFURT, mars, mars, "mars", host);
        String misplaced = "misplaced-" + UUID.randomUUID();
        writeRaw(Region.FRANKFURT, misplaced, misplaced, "mumbai", host);
        // The header names one job, the body another: the store knows the job by its body's id.
        String foreign = "foreign-" + UUID.randomUUID();
        writeRaw(Region.FRANKFURT, "header-" + UUID.randomUUID(), foreign, "frankfurt", host);
        for (String id : List.of(mars, misplaced, foreign)) {
            fail(id, "frankfurt", "5xx", 500);
            awaitState(id, "failed");
        }

        ApiResponse retryMars = api.post("/v1/jobs/" + mars + ":retry", null);
        assertThat(retryMars.status()).as(String.valueOf(retryMars.body())).isEqualTo(422);
        assertThat(retryMars.body().get("detail").asText()).contains("mars");
        ApiResponse retryMisplaced = api.post("/v1/jobs/" + misplaced + ":retry", null);
        assertThat(retryMisplaced.status()).as(String.valueOf(retryMisplaced.body())).isEqualTo(422);
        assertThat(retryMisplaced.body().get("detail").asText()).contains("names region mumbai")
                .contains(Topics.region(Region.FRANKFURT));
        ApiResponse retryForeign = api.post("/v1/jobs/" + foreign + ":retry", null);
        assertThat(retryForeign.status()).as(String.valueOf(retryForeign.body())).isEqualTo(422);
        assertThat(retryForeign.body().get("detail").asText()).contains("not this job's");

        ApiResponse redrive = api.post("/v1/jobs:redrive", "{\"state\": \"failed\", \"host\": \"" + host + "\"}");
        assertThat(redrive.status()).as(String.valueOf(redrive.body())).isEqualTo(200);
        assertThat(redrive.body().get("matched").asInt()).isEqualTo(3);
        assertThat(redrive.body().get("not_redrivable").asInt()).isEqualTo(3);
        assertThat(redrive.body().get("accepted").asInt()).isZero();

        for (Region region : List.of(Region.FRANKFURT, Region.MUMBAI)) {
            for (var record : TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(region))) {
                JsonNode node = TestJson.read(record.value());
                assertThat(node.has("retry_of") && node.path("url").asText().contains(host))
                        .as("a job sent again: %s", node).isFalse();
            }
        }
    }

    private static double metric(String name) throws Exception {
        String metrics = api.get("/metrics").text();
        return metrics.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line ->
                Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElse(0);
    }

    @Test
    void aRedriveWithoutLimitTakesTenThousandAndStopsWhenItsClientGoesAway() throws Exception {
        String host = host();
        int jobs = 10_001;
        List<String> ids = new ArrayList<>();
        while (ids.size() < jobs) {
            int n = Math.min(1000, jobs - ids.size());
            String body = "[" + String.join(",", java.util.Collections.nCopies(n,
                    "{\"url\": \"https://" + host + "/ten#er=frankfurt\"}")) + "]";
            api.post("/v1/jobs:batch", body).body().get("results").forEach(r -> ids.add(r.get("id").asText()));
        }
        for (String id : ids) {
            producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.finalOutcome(id, "frankfurt",
                    JobState.FAILED, null, List.of("5xx"), "HTTP 500"))));
        }
        producer.flush();
        String filter = "{\"state\": \"failed\", \"host\": \"" + host + "\"";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> api.post(
                "/v1/jobs:redrive", filter + ", \"dry_run\": true, \"limit\": 20000}").body().get("matched").asInt() == jobs);
        // Without a limit: the newest 10,000, not every match.
        assertThat(api.post("/v1/jobs:redrive", filter + ", \"dry_run\": true}").body().get("matched").asInt())
                .isEqualTo(10_000);

        // A client that goes away: the redrive stops at its next chunk instead of sending all 10,000.
        double cancelledBefore = metric("dispatcher_redrive_cancelled_total");
        byte[] body = (filter + "}").getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", scheduler.port())) {
            socket.getOutputStream().write(("POST /v1/jobs:redrive HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> metric("dispatcher_redrive_running") > 0);
            Thread.sleep(300);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metric("dispatcher_redrive_running") == 0
                && metric("dispatcher_redrive_pending") == 0);
        assertThat(metric("dispatcher_redrive_cancelled_total")).isEqualTo(cancelledBefore + 1);
        long sent = TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.FRANKFURT)).stream()
                .map(record -> TestJson.read(record.value()))
                .filter(node -> node.has("retry_of") && node.path("url").asText().contains(host)).count();
        assertThat(sent).isLessThan(10_000);
    }

    @Test
    void aRedriveOfThousandsIsPacedSendsEachOnceAndShowsProgressWhileItRuns() throws Exception {
        String host = host();
        int jobs = 3000;
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < jobs / 1000; batch++) {
            String body = "[" + String.join(",", java.util.Collections.nCopies(1000,
                    "{\"url\": \"https://" + host + "/many#er=frankfurt\"}")) + "]";
            api.post("/v1/jobs:batch", body).body().get("results").forEach(r -> ids.add(r.get("id").asText()));
        }
        assertThat(ids).hasSize(jobs).doesNotHaveDuplicates();
        for (String id : ids) {
            producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.finalOutcome(id, "frankfurt",
                    JobState.FAILED, null, List.of("5xx"), "HTTP 500"))));
        }
        producer.flush();
        String filter = "{\"state\": \"failed\", \"host\": \"" + host + "\"";
        await().atMost(Duration.ofSeconds(60)).until(() ->
                api.post("/v1/jobs:redrive", filter + ", \"dry_run\": true}").body().get("matched").asInt() == jobs);

        java.util.concurrent.CompletableFuture<ApiResponse> running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return api.post("/v1/jobs:redrive", filter + "}");
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        long started = System.nanoTime();
        List<Double> pendingSeen = new ArrayList<>();
        while (!running.isDone()) {
            String metrics = api.get("/metrics").text();
            metrics.lines().filter(line -> line.startsWith("dispatcher_redrive_pending "))
                    .forEach(line -> pendingSeen.add(Double.parseDouble(line.substring(line.indexOf(' ') + 1))));
            Thread.sleep(50);
        }
        ApiResponse report = running.join();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(report.body().get("matched").asInt()).isEqualTo(jobs);
        assertThat(report.body().get("accepted").asInt()).isEqualTo(jobs);
        // Paced at 1000 jobs/s in chunks of 500: the last chunk may go at once, the ones before cannot.
        assertThat(tookMs).isGreaterThanOrEqualTo((jobs - 500) * 1000L / SchedulerConfig.REDRIVE_JOBS_PER_SECOND);
        assertThat(pendingSeen).anyMatch(pending -> pending > 0 && pending < jobs);

        java.util.Map<String, Long> retried = new java.util.HashMap<>();
        for (var record : TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.FRANKFURT))) {
            JsonNode node = TestJson.read(record.value());
            if (node.has("retry_of") && node.path("url").asText().contains(host)) {
                retried.merge(node.get("retry_of").asText(), 1L, Long::sum);
                assertThat(node.get("webhook_id").asText()).isEqualTo(node.get("retry_of").asText());
            }
        }
        assertThat(retried).hasSize(jobs).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
        assertThat(retried.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }
}
