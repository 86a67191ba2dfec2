package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.KafkaConnection;
import static dev.edgedispatcher.worker.KafkaTestSupport.job;
import static dev.edgedispatcher.worker.RecordingServer.delayThen;
import static dev.edgedispatcher.worker.RecordingServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Workers on a real embedded broker: outcomes on the results topic, DLQ, ordering, no head-of-line blocking. */
@ExtendWith(EmbeddedKafkaExtension.class)
class WorkerKafkaTest {

    private static WorkerService workers;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        bootstrap = EmbeddedKafkaExtension.bootstrapServers();
        KafkaTestSupport.provision(bootstrap);
        // Two accounts: ordering keys are lanes within an account.
        java.nio.file.Path accounts = java.nio.file.Files.createTempFile("accounts", ".json");
        java.nio.file.Files.writeString(accounts, "{\"acme\": {\"auth_token\": \"MAacmeacmeacmeacme01\"}}");
        workers = WorkerService.start(WorkerConfig.defaults(bootstrap, EnumSet.allOf(Region.class),
                Accounts.load(accounts, "t"), List.of(Cidr.parse("127.0.0.0/8"))).withMetricsPort(0),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterAll
    static void stop() throws Exception {
        workers.close();
    }

    private static Map<String, List<ResultEvent.Final>> finals() {
        return KafkaTestSupport.finals(bootstrap);
    }

    @Test
    void aJobDeliveredAtOnceCostsOneResultsRecord() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            server.on("/fast", status(200));
            String id = "one-" + UUID.randomUUID();
            KafkaTestSupport.publish(bootstrap, List.of(job(id, server.url("/fast"), Region.MUMBAI, null)));
            await().atMost(Duration.ofSeconds(20)).until(() -> finals().containsKey(id));
            // Nothing more comes: no started event (the job took far less than 250 ms), no separate attempt event.
            Thread.sleep(dev.edgedispatcher.worker.dispatch.JobDispatcher.STARTED_EVENT_AFTER_MS + 500);
            List<ResultEvent> events = KafkaTestSupport.results(bootstrap).stream().filter(event -> event.id().equals(id))
                    .toList();
            assertThat(events).extracting(ResultEvent::type).containsExactly(ResultEvent.FINAL);
            assertThat(events.get(0).attemptsRecorded()).singleElement().satisfies(attempt -> {
                assertThat(attempt.outcome()).isEqualTo(ResultEvent.OUTCOME_OK);
                assertThat(attempt.status()).isEqualTo(200);
                assertThat(attempt.attempt()).isEqualTo(1);
            });
        }
    }

    @Test
    void aJobIsDeliveredAndItsAttemptAndFinalOutcomeAreWritten() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            server.on("/ok", status(500), status(200));
            String id = "e2e-" + UUID.randomUUID();
            KafkaTestSupport.publish(bootstrap, List.of(job(id, server.url("/ok#rp=5xx"), Region.SINGAPORE, null)));
            await().atMost(Duration.ofSeconds(20)).until(() -> finals().containsKey(id));
            ResultEvent.Final outcome = finals().get(id).get(0);
            assertThat(outcome.state()).isEqualTo("delivered");
            assertThat(outcome.deliveredBy()).isEqualTo("primary");
            assertThat(outcome.classes()).containsExactly("5xx");
            assertThat(outcome.region()).isEqualTo("singapore");
            List<ResultEvent.Attempt> attempts = KafkaTestSupport.results(bootstrap).stream()
                    .filter(event -> event.id().equals(id)).flatMap(event -> event.attemptsRecorded().stream()).toList();
            assertThat(attempts).extracting(ResultEvent.Attempt::outcome).containsExactly("5xx", "ok");
            assertThat(server.received("/ok")).extracting(r -> r.header("x-edge-region")).containsOnly("singapore");
        }
    }

    @Test
    void aRetryIsDeliveredUnderTheWebhookIdOfTheJobItRepeats() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            server.on("/again", status(200));
            JobRecord original = job("orig-" + UUID.randomUUID(), server.url("/again"), Region.MUMBAI, null);
            JobRecord retry = original.retriedAs("retry-" + UUID.randomUUID(), System.currentTimeMillis());
            KafkaTestSupport.publish(bootstrap, List.of(retry));
            await().atMost(Duration.ofSeconds(20)).until(() -> finals().containsKey(retry.id()));
            assertThat(finals().get(retry.id()).get(0).state()).isEqualTo("delivered");
            assertThat(server.received("/again")).extracting(r -> r.header("webhook-id")).containsExactly(original.id());
        }
    }

    @Test
    void anUnreadableRecordGoesToTheDlqAndDoesNotStallThePartition() throws Exception {
        try (RecordingServer server = new RecordingServer();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "poison"))) {
            String key = "poison-" + UUID.randomUUID();
            producer.send(new ProducerRecord<>(Topics.region(Region.MUMBAI), key, "{broken".getBytes(StandardCharsets.UTF_8))).get();
            JobRecord good = job(key + "-after", server.url("/after"), Region.MUMBAI, null);
            producer.send(new ProducerRecord<>(Topics.region(Region.MUMBAI), key, RecordJson.write(good))).get();
            await().atMost(Duration.ofSeconds(20)).until(() -> finals().containsKey(good.id()));
            assertThat(KafkaTestSupport.readAll(bootstrap, Topics.DLQ)).anySatisfy(record -> {
                assertThat(record.key()).isEqualTo(key);
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("unreadable_job_record")
                        .contains("{broken");
            });
        }
    }

    @Test
    void jobsWithTheSameOrderingKeyAreDeliveredOneAtATimeInOrder() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            server.on("/ordered", delayThen(60, status(200)));
            String key = "call-" + UUID.randomUUID();
            List<JobRecord> jobs = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                jobs.add(job(key + "-" + i, server.url("/ordered"), Region.FRANKFURT, key));
            }
            KafkaTestSupport.publish(bootstrap, jobs);
            await().atMost(Duration.ofSeconds(30)).until(() -> server.received("/ordered").size() == 15);
            List<RecordingServer.Received> received = server.received("/ordered");
            assertThat(received).extracting(r -> r.header("webhook-id"))
                    .containsExactlyElementsOf(jobs.stream().map(JobRecord::id).toList());
            for (int i = 1; i < received.size(); i++) {
                long gapMs = (received.get(i).arrivedNanos() - received.get(i - 1).arrivedNanos()) / 1_000_000;
                assertThat(gapMs).as("job %d started before job %d had its answer", i, i - 1).isGreaterThanOrEqualTo(60);
            }
        }
    }

    @Test
    void anOrderingKeyIsALaneWithinItsAccountOnly() throws Exception {
        try (RecordingServer stalled = new RecordingServer(); RecordingServer healthy = new RecordingServer()) {
            stalled.on("/hang", delayThen(8000, status(200)));
            String key = "call-" + UUID.randomUUID();
            // The default account's job of the key hangs; acme's jobs of the same key are not behind it.
            JobRecord hanging = JobRecord.builder("hang-" + key, stalled.url("/hang#rt=10000"), Region.SINGAPORE.wireName())
                    .orderingKey(key).build();
            List<JobRecord> jobs = new ArrayList<>(List.of(hanging));
            for (int i = 0; i < 5; i++) {
                jobs.add(JobRecord.builder("acme-" + i + "-" + key, healthy.url("/acme"), Region.SINGAPORE.wireName())
                        .orderingKey(key).account("acme").build());
            }
            assertThat(hanging.orderingLane()).isNotEqualTo(jobs.get(1).orderingLane());
            KafkaTestSupport.publish(bootstrap, jobs);
            await().atMost(Duration.ofSeconds(5)).until(() -> healthy.received("/acme").size() == 5);
            assertThat(healthy.received("/acme")).extracting(r -> r.header("webhook-id"))
                    .containsExactlyElementsOf(jobs.subList(1, 6).stream().map(JobRecord::id).toList());
            assertThat(finals()).doesNotContainKey(hanging.id());
        }
    }

    @Test
    void aStalledEndpointDoesNotDelayOtherJobsInTheSamePartition() throws Exception {
        // Two hosts: one destination's cap (256) is taken by the stalled jobs; the other host's jobs go on.
        try (RecordingServer stalled = new RecordingServer();
                RecordingServer healthy = new RecordingServer(java.net.InetAddress.getByName("127.0.0.2"))) {
            stalled.on("/stall", delayThen(8000, status(200)));
            List<JobRecord> jobs = new ArrayList<>();
            List<String> stalledIds = idsInPartition0("stalled", 300);
            List<String> healthyIds = idsInPartition0("healthy", 100);
            stalledIds.forEach(id -> jobs.add(job(id, stalled.url("/stall#rt=10000"), Region.N_VIRGINIA, null)));
            healthyIds.forEach(id -> jobs.add(job(id, healthy.url("/fine"), Region.N_VIRGINIA, null)));
            long published = System.nanoTime();
            KafkaTestSupport.publish(bootstrap, jobs);
            await().atMost(Duration.ofSeconds(5)).until(() -> healthy.received("/fine").size() == 100);
            long healthyDoneMs = (System.nanoTime() - published) / 1_000_000;
            assertThat(healthyDoneMs).isLessThan(5000);
            // The stalled jobs are all still waiting for their answer.
            Map<String, List<ResultEvent.Final>> finals = finals();
            assertThat(stalledIds).noneMatch(finals::containsKey);
            await().atMost(Duration.ofSeconds(10)).until(() -> healthyIds.stream().allMatch(finals()::containsKey));
        }
    }

    private static List<String> idsInPartition0(String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < count; i++) {
            String id = prefix + "-" + i + "-" + UUID.randomUUID();
            if (KafkaTestSupport.partitionOf(id, 12) == 0) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void theWorkerServesHealthAndMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + workers.metricsPort();
        // Ready once every region's consumer has joined its group (a fresh worker is live, not yet ready).
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        try (RecordingServer server = new RecordingServer()) {
            String id = "metrics-" + UUID.randomUUID();
            KafkaTestSupport.publish(bootstrap, List.of(job(id, server.url("/m"), Region.MUMBAI, null)));
            await().atMost(Duration.ofSeconds(20)).until(() -> finals().containsKey(id));
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("dispatcher_deliveries_total{outcome=\"delivered\",region=\"mumbai\"}")
                .contains("dispatcher_attempt_seconds_bucket").contains("dispatcher_in_flight{region=\"mumbai\"}")
                .contains("dispatcher_partition_lag{partition=");
        // The job's time from accept to delivery start was recorded (at least this one job).
        assertThat(metrics).containsPattern("dispatcher_pickup_delay_seconds_count\\{region=\"mumbai\"\\} [1-9]");
    }

    static Set<String> ids(List<JobRecord> jobs) {
        return jobs.stream().map(JobRecord::id).collect(Collectors.toSet());
    }
}
