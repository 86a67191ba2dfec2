package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/regions.md: frankfurt on a Kafka cluster of its own (a second broker), every other region on
 * home. The scheduler and the workers run as the CLI runs them, with {@code --topology}: frankfurt's
 * jobs, results and consumer group live on frankfurt's cluster only, n_virginia's on home, and both
 * are delivered and reach {@code delivered} through the job store (its sink reads both clusters).
 * A scheduler whose regional cluster is down starts all the same and serves the other regions.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RegionClustersTest {

    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker home;
    static EmbeddedKafkaBroker frankfurt;
    static Path logDir;

    @BeforeAll
    static void twoClusters() throws Exception {
        logDir = Files.createDirectories(Path.of("target", "region-clusters-logs"));
        home = EmbeddedKafkaBroker.start(dir.resolve("home"), 0);
        frankfurt = EmbeddedKafkaBroker.start(dir.resolve("frankfurt"), 0);
    }

    @AfterAll
    static void stop() {
        if (frankfurt != null) {
            frankfurt.close();
        }
        if (home != null) {
            home.close();
        }
    }

    private static Path topology(String name, String frankfurtBootstrap) throws Exception {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, "{\"regions\": {\"frankfurt\": {\"bootstrap\": \"" + frankfurtBootstrap + "\"}}}");
        return file;
    }

    private static ChildProcess scheduler(String name, Path topology, int httpPort) throws Exception {
        Path noGeoIp = Files.createDirectories(dir.resolve("no-geoip"));
        Path store = TestJobStores.newStoreFile(Files.createDirectories(dir.resolve("store-" + name)));
        return ChildProcess.dispatcher(name, logDir.resolve(name + ".log"), 384, "scheduler",
                "--bootstrap", home.bootstrapServers(), "--topology", topology.toString(),
                "--job-store-config", store.toString(), "--region-partitions", "2",
                "--port", String.valueOf(httpPort), "--geoip-dir", noGeoIp.toString());
    }

    private static String job(String id, String url, String region) {
        return "{\"id\": \"" + id + "\", \"url\": \"" + url + "#er=" + region + "\"}";
    }

    @Test
    void aRegionOnItsOwnClusterHasItsJobsResultsAndWorkersThere() throws Exception {
        int httpPort = ChildProcess.freePort();
        ApiClient api = ApiClient.local(httpPort).withTimeout(Duration.ofSeconds(20));
        Path topology = topology("topology", frankfurt.bootstrapServers());
        try (WebhookReceiver receiver = new WebhookReceiver();
                ChildProcess scheduler = scheduler("clusters-scheduler", topology, httpPort);
                ChildProcess frankfurtWorker = ChildProcess.dispatcher("clusters-worker-frankfurt",
                        logDir.resolve("clusters-worker-frankfurt.log"), 256, "worker", "--bootstrap", home.bootstrapServers(),
                        "--topology", topology.toString(), "--region", "frankfurt", "--allow-destination", "127.0.0.0/8",
                        "--metrics-port", "-1");
                ChildProcess virginiaWorker = ChildProcess.dispatcher("clusters-worker-virginia",
                        logDir.resolve("clusters-worker-virginia.log"), 256, "worker", "--bootstrap", home.bootstrapServers(),
                        "--region", "n_virginia", "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1")) {
            scheduler.awaitLine("http: http://127.0.0.1:" + httpPort, START);
            frankfurtWorker.awaitLine("region frankfurt on its own cluster: " + frankfurt.bootstrapServers(), START);
            virginiaWorker.awaitLine("worker: regions", START);
            Set<String> fra = new HashSet<>();
            Set<String> iad = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                String a = "cluster-fra-" + i;
                String b = "cluster-iad-" + i;
                assertThat(api.post("/v1/jobs", job(a, receiver.url("/hook"), "frankfurt")).status()).isEqualTo(202);
                assertThat(api.post("/v1/jobs", job(b, receiver.url("/hook"), "n_virginia")).status()).isEqualTo(202);
                fra.add(a);
                iad.add(b);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(receiver.seenIds()).as(() -> "frankfurt worker:\n" + frankfurtWorker.tail()).containsAll(fra)
                        .containsAll(iad);
                for (String id : union(fra, iad)) {
                    assertThat(api.get("/v1/jobs/" + id).json().path("state").asText()).as(id).isEqualTo("delivered");
                }
            });
            // Where the records are: frankfurt's region topic and results on its cluster only.
            assertThat(idsIn(frankfurt, Topics.region(Region.FRANKFURT))).isEqualTo(fra);
            assertThat(idsIn(frankfurt, Topics.RESULTS)).isEqualTo(fra);
            assertThat(idsIn(home, Topics.RESULTS)).isEqualTo(iad);
            assertThat(idsIn(home, Topics.region(Region.N_VIRGINIA))).isEqualTo(iad);
            try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(home.bootstrapServers())))) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("topics on home")
                        .doesNotContain(Topics.region(Region.FRANKFURT)).contains(Topics.JOBS);
                assertThat(admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream().map(g -> g.groupId()))
                        .as("groups on home").doesNotContain(Topics.workerGroup(Region.FRANKFURT));
            }
            assertThat(receiver.counts().values()).as("deliveries per webhook-id").containsOnly(1);
        }
    }

    @Test
    void aSchedulerStartsWhileARegionalClusterIsDownAndServesTheOtherRegions() throws Exception {
        int httpPort = ChildProcess.freePort();
        ApiClient api = ApiClient.local(httpPort).withTimeout(Duration.ofSeconds(20));
        Path topology = topology("topology-down", "127.0.0.1:" + ChildProcess.freePort()); // nobody listens there
        try (ChildProcess scheduler = scheduler("clusters-scheduler-down", topology, httpPort)) {
            scheduler.awaitLine("http: http://127.0.0.1:" + httpPort, START);
            ApiResponse ready = api.get("/health/ready");
            assertThat(ready.status()).as(ready::text).isEqualTo(200);
            ApiResponse virginia = api.post("/v1/jobs", job("down-iad-1", "https://example.com/hook", "n_virginia"));
            assertThat(virginia.status()).as(virginia::text).isEqualTo(202);
            ApiResponse fra = api.post("/v1/jobs", job("down-fra-1", "https://example.com/hook", "frankfurt"));
            assertThat(fra.status()).as(fra::text).isEqualTo(503);
            assertThat(fra.json().path("error").asText()).isEqualTo("region_unavailable");
            assertThat(fra.json().path("field").asText()).isEqualTo("region");
        }
    }

    /**
     * docs/regions.md, "Failover": frankfurt's worker killed, new er=local jobs of media server
     * ms-frankfurt-1 go to the nearest region that is up within 15 s, with failover_from, while
     * explicit er=frankfurt jobs are accepted and wait; the worker back, they are delivered from
     * frankfurt and new local jobs return there; frankfurt's broker killed, explicit jobs are refused
     * and local ones fail over and are delivered.
     */
    @Test
    void aRegionDownMovesItsLocalJobsAndKeepsItsExplicitOnes() throws Exception {
        EmbeddedKafkaBroker own = EmbeddedKafkaBroker.start(dir.resolve("frankfurt-failover"), 0);
        int httpPort = ChildProcess.freePort();
        ApiClient api = ApiClient.local(httpPort).withTimeout(Duration.ofSeconds(20));
        Path topology = topology("topology-failover", own.bootstrapServers());
        Region expected = dev.edgedispatcher.resolver.RegionCatalogue.nearestTo(
                dev.edgedispatcher.resolver.RegionCatalogue.locationOf(Region.FRANKFURT), r -> r != Region.FRANKFURT)
                .orElseThrow().region();
        try (WebhookReceiver receiver = new WebhookReceiver();
                ChildProcess scheduler = scheduler("failover-scheduler", topology, httpPort);
                ChildProcess others = ChildProcess.dispatcher("failover-workers-home", logDir.resolve("failover-workers-home.log"),
                        384, "worker", "--bootstrap", home.bootstrapServers(), "--region", "n_california", "--region",
                        "n_virginia", "--region", "singapore", "--region", "mumbai", "--allow-destination", "127.0.0.0/8",
                        "--metrics-port", "-1")) {
            ChildProcess fra = frankfurtWorker("failover-worker-frankfurt-1", topology);
            try {
                scheduler.awaitLine("http: http://127.0.0.1:" + httpPort, START);
                fra.awaitLine("region frankfurt on its own cluster", START);
                others.awaitLine("worker: regions", START);
                // Up: a local job of ms-frankfurt-1 goes out from frankfurt.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> regionUp(api, "frankfurt") == 1);
                var before = api.post("/v1/jobs", local("fo-local-0", receiver)).json();
                assertThat(before.path("region").asText()).isEqualTo("frankfurt");
                assertThat(before.path("resolution").has("failover_from")).isFalse();
                // Delivered and committed before the kill, so that no crash re-delivery blurs the count below.
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/jobs/fo-local-0").json().path("state")
                        .asText().equals("delivered"));
                Thread.sleep(1000);

                // frankfurt's worker killed: local jobs move within 15 s, explicit ones wait.
                fra.kill9();
                long killed = System.nanoTime();
                String[] moved = new String[1];
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    String id = "fo-local-" + System.nanoTime();
                    var answer = api.post("/v1/jobs", local(id, receiver)).json();
                    moved[0] = id;
                    return !answer.path("region").asText().equals("frankfurt");
                });
                long movedAfterMs = (System.nanoTime() - killed) / 1_000_000;
                var movedJob = api.get("/v1/jobs/" + moved[0]).json();
                assertThat(movedJob.path("region").asText()).isEqualTo(expected.wireName());
                assertThat(movedJob.at("/resolution/failover_from").asText()).isEqualTo("frankfurt");
                assertThat(movedJob.at("/resolution/rule").asText()).isEqualTo("local");
                ApiResponse explicit = api.post("/v1/jobs", job("fo-explicit-1", receiver.url("/hook"), "frankfurt"));
                assertThat(explicit.status()).as(explicit::text).isEqualTo(202);
                assertThat(explicit.json().path("region").asText()).isEqualTo("frankfurt");
                ApiResponse ordered = api.post("/v1/jobs", "{\"id\": \"fo-ordered-1\", \"url\": \"" + receiver.url("/hook")
                        + "#er=local\", \"media_server\": \"ms-frankfurt-1\", \"ordering_key\": \"call-1\"}");
                assertThat(ordered.json().path("region").asText()).as("a job with an ordering key stays").isEqualTo("frankfurt");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.seenIds()).contains(moved[0]));
                Thread.sleep(2000);
                assertThat(receiver.seenIds()).as("explicit frankfurt jobs wait").doesNotContain("fo-explicit-1", "fo-ordered-1");

                // The worker back: the waiting jobs are delivered, new local jobs return to frankfurt.
                fra = frankfurtWorker("failover-worker-frankfurt-2", topology);
                fra.awaitLine("region frankfurt on its own cluster", START);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.seenIds())
                        .contains("fo-explicit-1", "fo-ordered-1"));
                long back = System.nanoTime();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> api.post("/v1/jobs",
                        local("fo-back-" + System.nanoTime(), receiver)).json().path("region").asText().equals("frankfurt"));
                long returnedAfterMs = (System.nanoTime() - back) / 1_000_000;

                // frankfurt's broker killed: explicit jobs are refused, local ones fail over and are delivered.
                own.close();
                long brokerKilled = System.nanoTime();
                String[] away = new String[1];
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    String id = "fo-away-" + System.nanoTime();
                    ApiResponse answer = api.post("/v1/jobs", local(id, receiver));
                    away[0] = id;
                    return answer.status() == 202 && !answer.json().path("region").asText().equals("frankfurt");
                });
                long brokerMovedAfterMs = (System.nanoTime() - brokerKilled) / 1_000_000;
                ApiResponse refused = api.post("/v1/jobs", job("fo-explicit-2", receiver.url("/hook"), "frankfurt"));
                assertThat(refused.status()).as(refused::text).isEqualTo(503);
                assertThat(refused.json().path("error").asText()).isIn("region_unavailable", "in_doubt");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.seenIds()).contains(away[0]));
                System.out.printf("failover: worker killed -> local jobs moved after %d ms; worker back -> returned after"
                        + " %d ms; broker killed -> moved after %d ms%n", movedAfterMs, returnedAfterMs, brokerMovedAfterMs);
                assertThat(receiver.counts().values()).as("deliveries per webhook-id").containsOnly(1);
            } finally {
                fra.close();
            }
        } finally {
            own.close();
        }
    }

    /**
     * docs/regions.md, "Evacuation": frankfurt's workers down with jobs queued on its cluster;
     * `dispatcher evacuate --region frankfurt` moves the local jobs that may move to the nearest
     * region that is up, once each, and marks them finished in frankfurt's group: when frankfurt's
     * worker returns it delivers only the jobs that stayed (explicit, ordered, a staying account's).
     */
    @Test
    void evacuateMovesADownRegionsMovableJobsOnceAndLeavesTheRest() throws Exception {
        EmbeddedKafkaBroker own = EmbeddedKafkaBroker.start(dir.resolve("frankfurt-evacuate"), 0);
        Path topology = topology("topology-evacuate", own.bootstrapServers());
        Path accounts = dir.resolve("evacuate-accounts.json");
        Files.writeString(accounts, "{\"default\": {\"auth_token\": \"MAdefaultdefault0001\"},"
                + " \"eu-only\": {\"auth_token\": \"MAeuonlyeuonly00001\", \"failover\": false}}");
        Topology clusters = Topology.load(topology, KafkaConnection.plaintext(home.bootstrapServers()));
        for (Topology.Cluster cluster : clusters.clusters()) {
            try (Admin admin = Admin.create(KafkaClientSettings.admin(cluster.connection()))) {
                new TopicProvisioner(admin).ensure(cluster.topics(TopicLayout.DEFAULT.withRegionPartitions(2)), (short) 1,
                        Duration.ofSeconds(60));
            }
        }
        Region expected = dev.edgedispatcher.resolver.RegionCatalogue.nearestTo(
                dev.edgedispatcher.resolver.RegionCatalogue.locationOf(Region.FRANKFURT), r -> r != Region.FRANKFURT)
                .orElseThrow().region();
        try (WebhookReceiver receiver = new WebhookReceiver();
                ChildProcess others = ChildProcess.dispatcher("evacuate-workers-home", logDir.resolve("evacuate-workers-home.log"),
                        384, "worker", "--bootstrap", home.bootstrapServers(), "--region", expected.wireName(),
                        "--accounts", accounts.toString(), "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1")) {
            others.awaitLine("worker: regions", START);
            com.fasterxml.jackson.databind.node.ObjectNode local = dev.edgedispatcher.backbone.RecordJson.MAPPER.createObjectNode()
                    .put("rule", "local").put("reason", "media server ms-frankfurt-1 is registered in frankfurt");
            com.fasterxml.jackson.databind.node.ObjectNode explicit = dev.edgedispatcher.backbone.RecordJson.MAPPER.createObjectNode()
                    .put("rule", "explicit").put("reason", "er=frankfurt names the region");
            List<JobRecord> jobs = new ArrayList<>();
            Set<String> movable = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(JobRecord.builder("ev-local-" + i, receiver.url("/hook"), "frankfurt").resolution(local).build());
                movable.add("ev-local-" + i);
            }
            jobs.add(JobRecord.builder("ev-explicit-0", receiver.url("/hook"), "frankfurt").resolution(explicit).build());
            jobs.add(JobRecord.builder("ev-explicit-1", receiver.url("/hook"), "frankfurt").resolution(explicit).build());
            jobs.add(JobRecord.builder("ev-ordered-0", receiver.url("/hook"), "frankfurt").resolution(local).orderingKey("call-7")
                    .build());
            jobs.add(JobRecord.builder("ev-resident-0", receiver.url("/hook"), "frankfurt").resolution(local).account("eu-only")
                    .build());
            Set<String> staying = Set.of("ev-explicit-0", "ev-explicit-1", "ev-ordered-0", "ev-resident-0");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(
                    KafkaConnection.plaintext(own.bootstrapServers()), "evacuate-test"))) {
                for (JobRecord job : jobs) {
                    producer.send(new ProducerRecord<>(Topics.region(Region.FRANKFURT), job.kafkaKey(), RecordJson.write(job))).get();
                }
            }
            String[] evacuate = {"evacuate", "--region", "frankfurt", "--bootstrap", home.bootstrapServers(), "--topology",
                    topology.toString(), "--accounts", accounts.toString()};
            try (ChildProcess dry = ChildProcess.dispatcher("evacuate-dry", logDir.resolve("evacuate-dry.log"), 256,
                    append(evacuate, "--dry-run"))) {
                assertThat(dry.awaitLine("evacuate frankfurt (dry run):", START)).contains("would move 5")
                        .contains("stayed 4 (explicit 2, ordering key 1, account 1");
            }
            Thread.sleep(1000);
            assertThat(receiver.seenIds()).as("a dry run sends nothing").isEmpty();
            try (ChildProcess run = ChildProcess.dispatcher("evacuate-run", logDir.resolve("evacuate-run.log"), 256, evacuate)) {
                assertThat(run.awaitLine("evacuate frankfurt:", START)).contains("moved 5 (" + expected.wireName() + "=5)");
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.seenIds()).containsAll(movable));
            // frankfurt's worker returns: only the jobs that stayed are delivered from frankfurt.
            try (ChildProcess fra = ChildProcess.dispatcher("evacuate-worker-frankfurt",
                    logDir.resolve("evacuate-worker-frankfurt.log"), 256, "worker", "--bootstrap", home.bootstrapServers(),
                    "--topology", topology.toString(), "--region", "frankfurt", "--accounts", accounts.toString(),
                    "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1")) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(receiver.seenIds()).containsAll(staying));
                Thread.sleep(3000);
            }
            assertThat(receiver.seenIds()).hasSize(9);
            assertThat(receiver.counts().values()).as("deliveries per webhook-id").containsOnly(1);
        } finally {
            own.close();
        }
    }

    private static String[] append(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    private static ChildProcess frankfurtWorker(String name, Path topology) throws Exception {
        return ChildProcess.dispatcher(name, logDir.resolve(name + ".log"), 256, "worker", "--bootstrap",
                home.bootstrapServers(), "--topology", topology.toString(), "--region", "frankfurt",
                "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1");
    }

    private static String local(String id, WebhookReceiver receiver) {
        return "{\"id\": \"" + id + "\", \"url\": \"" + receiver.url("/hook") + "#er=local\", \"media_server\":"
                + " \"ms-frankfurt-1\"}";
    }

    /** The scheduler's dispatcher_region_up for {@code region} (-1 when absent). */
    private static int regionUp(ApiClient api, String region) throws Exception {
        for (String line : api.get("/metrics").text().split("\n")) {
            if (line.startsWith("dispatcher_region_up{") && line.contains("region=\"" + region + "\"")) {
                return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The job ids (record keys or id headers) of the records of {@code topic} on {@code broker}, those of this test. */
    private static Set<String> idsIn(EmbeddedKafkaBroker broker, String topic) {
        return TopicContents.readAll(broker.bootstrapServers(), topic).stream()
                .map(record -> {
                    var header = record.headers().lastHeader(Topics.JOB_ID_HEADER);
                    return header != null ? new String(header.value(), StandardCharsets.UTF_8) : record.key();
                })
                .filter(id -> id != null && id.startsWith("cluster-"))
                .collect(Collectors.toSet());
    }
}
