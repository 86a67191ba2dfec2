package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.resolver.RegionResolver;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler under Kafka outages: health that says what is wrong, and loops (the intake, the
 * job store's sink) that come back by themselves.
 */
class SchedulerFaultsTest {

    private static SchedulerService startScheduler(String bootstrap, int retainedFinalJobs) throws Exception {
        RegionResolver resolver = RegionResolver.builder().noGeoLocator("not needed here").homeRegion(Region.N_VIRGINIA).build();
        return SchedulerService.start(SchedulerConfig.defaults(bootstrap, resolver).withJobStore(TestStores.fresh()).withPort(0)
                );
    }

    private static ApiResponse post(ApiClient api, String id) throws Exception {
        return api.post("/v1/jobs", "{\"id\": \"" + id + "\", \"url\": \"https://example.com/a#er=frankfurt\"}");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static void writeResults(String bootstrap, List<ResultEvent> events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "test-results"))) {
            for (ResultEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.RESULTS, event.id(), RecordJson.write(event))).get();
            }
        }
    }

    private static ResultEvent delivered(String id) {
        return ResultEvent.finalOutcome(id, "frankfurt", JobState.DELIVERED, "primary", List.of(), null);
    }

    @Test
    void healthSaysKafkaIsAwayAndEveryLoopComesBackWhenItReturns(@TempDir Path dataDir) throws Exception {
        int kafkaPort = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, kafkaPort);
        String bootstrap = broker.bootstrapServers();
        try (SchedulerService scheduler = startScheduler(bootstrap, 1000)) {
            ApiClient api = ApiClient.local(scheduler.port());
            ApiResponse ready = api.get("/health/ready");
            assertThat(ready.status()).as(ready.text()).isEqualTo(200);
            assertThat(ready.body().get("status").asText()).isEqualTo("up");
            assertThat(ready.body().get("components").fieldNames()).toIterable()
                    .containsExactly("intake", "store-sink", "job-store", "producer");
            ApiResponse health = api.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body().get("components").size()).isEqualTo(4);
            assertThat(post(api, "before-outage").status()).isEqualTo(202);

            broker.close();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                ApiResponse down = api.get("/health/ready");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.body().get("status").asText()).isEqualTo("down");
                for (String component : List.of("intake", "producer")) {
                    assertThat(down.body().at("/components/" + component + "/status").asText()).as(component).isEqualTo("down");
                }
                // The store's sink cannot read either: degraded, never down (history lags; the replica
                // is not taken out of the load balancer for that).
                assertThat(down.body().at("/components/store-sink/status").asText()).isEqualTo("degraded");
                assertThat(api.get("/health").status()).isEqualTo(503);
            });
            // The loops keep retrying: alive, only not ready.
            ApiResponse live = api.get("/health/live");
            assertThat(live.status()).as(live.text()).isEqualTo(200);
            assertThat(live.body().at("/components/intake/detail").asText()).startsWith("running, retrying");
            // Many producers at once: each is refused within the producer's bounds, not one after
            // another's metadata wait.
            List<CompletableFuture<Long>> refusals = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "during-outage-" + i;
                refusals.add(CompletableFuture.supplyAsync(() -> {
                    long started = System.nanoTime();
                    try {
                        ApiResponse refused = post(api, id);
                        assertThat(refused.status()).as(refused.text()).isEqualTo(503);
                        // Refused before Kafka had it: NOT accepted. Handed to Kafka and not confirmed:
                        // in doubt, naming the id (docs/api.md, "HTTP API").
                        String error = refused.body().get("error").asText();
                        assertThat(error).as(refused.text()).isIn("kafka_unavailable", "in_doubt");
                        if (error.equals("kafka_unavailable")) {
                            assertThat(refused.body().get("detail").asText()).contains("NOT accepted");
                        } else {
                            assertThat(refused.body().get("id").asText()).isEqualTo(id);
                            assertThat(refused.header("retry-after")).isPresent();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return (System.nanoTime() - started) / 1_000_000;
                }, pool));
            }
            List<Long> refusedAfterMs = refusals.stream().map(CompletableFuture::join).toList();
            System.out.println("20 concurrent submits while Kafka is away, 503 after ms: " + refusedAfterMs);
            assertThat(refusedAfterMs).as("ms until 503").allSatisfy(ms -> assertThat(ms)
                    .isLessThan(KafkaClientSettings.DELIVERY_TIMEOUT_MS + KafkaClientSettings.MAX_BLOCK_MS + 2000L));
            Thread.sleep(3000); // some failed turns of every loop

            broker = EmbeddedKafkaBroker.start(dataDir, kafkaPort);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ApiResponse back = api.get("/health/ready");
                assertThat(back.status()).as(back.text()).isEqualTo(200);
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(post(api, "after-outage").status()).isEqualTo(202));
            // Every id refused during the outage is accepted when sent again (in doubt meanwhile, until the
            // store proves the record absent), and published exactly once.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (int i = 0; i < 20; i++) {
                    ApiResponse again = post(api, "during-outage-" + i);
                    assertThat(again.status()).as(again.text()).isEqualTo(202);
                }
            });
            Map<String, Integer> published = new HashMap<>();
            TopicContents.readAll(bootstrap, Topics.region(Region.FRANKFURT))
                    .forEach(record -> published.merge(record.key(), 1, Integer::sum));
            for (int i = 0; i < 20; i++) {
                assertThat(published.get("during-outage-" + i)).as("records of during-outage-" + i).isEqualTo(1);
            }
            // The intake loop still works: a job published straight to webhooks.jobs is accepted.
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "test"))) {
                producer.send(new ProducerRecord<>(Topics.JOBS, "via-intake",
                        "{\"id\": \"via-intake\", \"url\": \"https://example.com/b#er=mumbai\"}".getBytes(StandardCharsets.UTF_8))).get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.get("/v1/jobs/via-intake").status()).isEqualTo(200));
            // The job store's sink still works: a final event written now reaches the store.
            writeResults(bootstrap, List.of(delivered("after-outage")));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.get("/v1/jobs/after-outage").body().path("state").asText()).isEqualTo("delivered"));
        } finally {
            broker.close();
            pool.shutdownNow();
        }
    }

}
