package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.health.HealthReport;
import dev.edgedispatcher.backbone.health.Probe;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.embeddedkafka.SaslSslListener;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import dev.edgedispatcher.worker.RegionWorker;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.WorkerService;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler and a worker as processes of their own against a broker that Kafka users must log
 * in to (SASL_SSL, SCRAM-SHA-512, TLS with a CA made here) and that enforces ACLs (no ACL means
 * deny): each process runs with {@code --kafka-config} as a least-privilege user (README, "Running
 * against your Kafka cluster"). Jobs are delivered end to end; a wrong password or a missing ACL
 * ends the process with exit code 3 and one line naming the problem.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecuredKafkaTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);
    private static final int REGION_PARTITIONS = 2;
    private static final Region REGION = Region.FRANKFURT;
    private static final String WORKER_GROUP = RegionWorker.groupOf(REGION);

    @TempDir
    static Path dir;
    static SaslSslListener listener;
    static EmbeddedKafkaBroker broker;
    static Path logDir;

    @BeforeAll
    static void secureBrokerWithUsersAndAcls() throws Exception {
        logDir = Files.createDirectories(Path.of("target", "secured-kafka-logs"));
        TestCertificates certificates = TestCertificates.create(dir);
        listener = new SaslSslListener(certificates.brokerKeystore(), certificates.password(), certificates.caPem(),
                "admin", "admin-secret");
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, listener);
        try (Admin admin = Admin.create(adminProperties())) {
            // Topics belong to the platform: created by the admin user, as a Strimzi KafkaTopic would.
            new TopicProvisioner(admin).ensure(layout(), Duration.ofSeconds(60));
            List<UserScramCredentialAlteration> users = new ArrayList<>();
            for (String user : List.of("scheduler", "worker-frankfurt", "worker-without-group", "scheduler-without-write")) {
                users.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                        password(user)));
            }
            admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
            List<AclBinding> acls = new ArrayList<>();
            acls.addAll(schedulerAcls("scheduler", Set.of(Region.values())));
            acls.addAll(schedulerAcls("scheduler-without-write", Set.of(Region.SINGAPORE, Region.MUMBAI)));
            acls.addAll(workerAcls("worker-frankfurt", true));
            acls.addAll(workerAcls("worker-without-group", false));
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static TopicLayout layout() {
        return TopicLayout.DEFAULT.withRegionPartitions(REGION_PARTITIONS);
    }

    private static String password(String user) {
        return user + "-secret";
    }

    /** The scheduler's ACLs (README table): the region topics it may write are {@code writable}. */
    static List<AclBinding> schedulerAcls(String user, Set<Region> writable) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.TOPIC, Topics.JOBS, AclOperation.READ));
        acls.add(allow(user, ResourceType.GROUP, "edge-dispatcher-intake", AclOperation.READ));
        acls.add(allow(user, ResourceType.TOPIC, Topics.RESULTS, AclOperation.READ));
        acls.add(allow(user, ResourceType.TOPIC, Topics.DLQ, AclOperation.WRITE));
        // The job store's sink: its group is named after the store, granted by prefix.
        acls.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, "edge-dispatcher-scheduler-store", PatternType.PREFIXED),
                new AccessControlEntry("User:" + user, "*", AclOperation.READ, AclPermissionType.ALLOW)));
        for (Region region : Region.values()) {
            // The job store's sink reads accepted jobs from the region topics.
            acls.add(allow(user, ResourceType.TOPIC, Topics.region(region), AclOperation.READ));
            if (writable.contains(region)) {
                acls.add(allow(user, ResourceType.TOPIC, Topics.region(region), AclOperation.WRITE));
            }
        }
        return acls;
    }

    /** A frankfurt worker's ACLs (README table); {@code withGroup} false leaves out the consumer group. */
    static List<AclBinding> workerAcls(String user, boolean withGroup) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.TOPIC, Topics.region(REGION), AclOperation.READ));
        acls.add(allow(user, ResourceType.TOPIC, Topics.region(REGION), AclOperation.WRITE)); // parking
        if (withGroup) {
            acls.add(allow(user, ResourceType.GROUP, WORKER_GROUP, AclOperation.READ));
        }
        acls.add(allow(user, ResourceType.TOPIC, Topics.RESULTS, AclOperation.WRITE));
        acls.add(allow(user, ResourceType.TOPIC, Topics.DLQ, AclOperation.WRITE));
        return acls;
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static Properties adminProperties() {
        Properties props = new Properties();
        props.putAll(broker.adminProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }

    /** A {@code --kafka-config} file for {@code user}, as an operator would write it. */
    private static Path kafkaConfig(String user, String password) throws Exception {
        Properties props = new Properties();
        props.putAll(listener.clientProperties(user, password));
        Path file = dir.resolve(user + "-" + password.hashCode() + ".properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "Kafka client settings of " + user);
        }
        return file;
    }

    private static ChildProcess scheduler(String name, Path kafkaConfig, int httpPort) throws Exception {
        Path noGeoIp = Files.createDirectories(dir.resolve("no-geoip"));
        Path store = TestJobStores.newStoreFile(Files.createDirectories(dir.resolve("store-" + name)));
        return ChildProcess.dispatcher(name, logDir.resolve(name + ".log"), 256, "scheduler",
                "--bootstrap", broker.bootstrapServers(), "--kafka-config", kafkaConfig.toString(),
                "--job-store-config", store.toString(),
                "--region-partitions", String.valueOf(REGION_PARTITIONS),
                "--port", String.valueOf(httpPort), "--geoip-dir", noGeoIp.toString());
    }

    private static ChildProcess worker(String name, Path kafkaConfig) throws Exception {
        return ChildProcess.dispatcher(name, logDir.resolve(name + ".log"), 256, "worker",
                "--bootstrap", broker.bootstrapServers(), "--kafka-config", kafkaConfig.toString(),
                "--region", REGION.wireName(), "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1");
    }

    /** The API of the scheduler on {@code httpPort}, each request within 20 s. */
    private static ApiClient api(int httpPort) {
        return ApiClient.local(httpPort).withTimeout(Duration.ofSeconds(20));
    }

    private static String job(String id, WebhookReceiver receiver) {
        return "{\"id\": \"" + id + "\", \"url\": \"" + receiver.url("/hook") + "#er=" + REGION.wireName()
                + "\", \"params\": {\"n\": \"" + id + "\"}}";
    }

    /** Asserts the process exits with 3 within a minute, and returns the lines of its output that contain {@code marker}. */
    private static List<String> awaitAccessDeniedExit(ChildProcess process, String marker) throws Exception {
        OptionalInt exit = process.awaitExit(EXIT_WITHIN);
        assertThat(exit).as(() -> "the process still runs after " + EXIT_WITHIN + "; its output ends:\n" + process.tail())
                .isPresent();
        assertThat(exit.getAsInt()).as(process::tail).isEqualTo(ExitCode.KAFKA_ACCESS_DENIED);
        return process.lines().stream().filter(line -> line.contains(marker)).toList();
    }

    @Test
    void schedulerAndWorkerAsLeastPrivilegeUsersDeliverJobsEndToEnd() throws Exception {
        int httpPort = ChildProcess.freePort();
        ApiClient api = api(httpPort);
        try (WebhookReceiver receiver = new WebhookReceiver();
                ChildProcess scheduler = scheduler("secured-scheduler", kafkaConfig("scheduler", password("scheduler")), httpPort);
                ChildProcess worker = worker("secured-worker", kafkaConfig("worker-frankfurt", password("worker-frankfurt")))) {
            scheduler.awaitLine("http: http://127.0.0.1:" + httpPort, START);
            worker.awaitLine("worker: regions", START);
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                String id = "secured-" + i;
                ApiResponse response = api.post("/v1/jobs", job(id, receiver));
                assertThat(response.status()).as(response::text).isEqualTo(202);
                ids.add(id);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(receiver.seenIds()).as(() -> "worker output:\n" + worker.tail()).containsAll(ids);
                for (String id : ids) {
                    assertThat(api.get("/v1/jobs/" + id).json().path("state").asText()).as(id).isEqualTo("delivered");
                }
            });
            assertThat(api.get("/health/ready").json().path("status").asText()).isEqualTo("up");
            assertThat(scheduler.isAlive()).isTrue();
            assertThat(worker.isAlive()).isTrue();
        }
    }

    @Test
    void aWrongPasswordEndsSchedulerAndWorkerWithOneLineSayingAuthenticationFailed() throws Exception {
        try (ChildProcess scheduler = scheduler("wrong-password-scheduler", kafkaConfig("scheduler", "not-the-password"),
                        ChildProcess.freePort());
                ChildProcess worker = worker("wrong-password-worker", kafkaConfig("worker-frankfurt", "not-the-password"))) {
            assertThat(awaitAccessDeniedExit(worker, "Kafka authentication failed")).hasSize(1);
            assertThat(awaitAccessDeniedExit(scheduler, "Kafka authentication failed")).hasSize(1);
            // One line in all: the Kafka clients' own reports of the same failure are left out.
            assertThat(worker.lines().stream().filter(line -> line.contains("invalid credentials"))).as(worker::tail).hasSize(1);
            assertThat(scheduler.lines().stream().filter(line -> line.contains("invalid credentials"))).as(scheduler::tail)
                    .hasSize(1);
        }
    }

    @Test
    void aWorkerWithoutItsGroupAclEndsWithOneLineNamingTheGroup() throws Exception {
        try (ChildProcess worker = worker("worker-without-group", kafkaConfig("worker-without-group",
                password("worker-without-group")))) {
            List<String> lines = awaitAccessDeniedExit(worker, "Kafka authorisation failed");
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("consumer group " + WORKER_GROUP);
        }
    }

    /** In one JVM, without the CLI's exit: the refused loop stops, /health/live says why, the process is told once. */
    @Test
    void aRefusedConsumerLoopIsDownOnLiveAndTellsTheProcessOnce() throws Exception {
        List<KafkaAccessDenied> told = new CopyOnWriteArrayList<>();
        KafkaConnection kafka = KafkaConnection.fromFile(broker.bootstrapServers(),
                kafkaConfig("worker-without-group", password("worker-without-group"))).withAccessDeniedHandler(told::add);
        try (WorkerService workers = WorkerService.start(WorkerConfig.defaults(kafka, Set.of(REGION),
                Accounts.withDefault("t"), List.of()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !told.isEmpty());
            HealthReport live = workers.health(Probe.LIVE);
            assertThat(live.up()).isFalse();
            assertThat(live.components().get("consumer-" + REGION.wireName()).detail())
                    .startsWith("stopped: Kafka authorisation failed while reading " + Topics.region(REGION))
                    .contains("no ACL for consumer group " + WORKER_GROUP);
            Thread.sleep(2000); // a loop that kept retrying would tell again
            assertThat(told).hasSize(1);
            assertThat(told.get(0).kind()).isEqualTo(KafkaAccessDenied.Kind.AUTHORISATION);
        }
    }

    /**
     * Decided: the first job refused for want of a write ACL is answered 503 (it was not accepted)
     * and the scheduler exits with 3, naming the topic: a scheduler that cannot publish one region's
     * jobs is misconfigured, and a supervisor must see it rather than a stream of 503s.
     */
    @Test
    void aSchedulerWithoutWriteOnARegionTopicRefusesTheJobAndEndsNamingTheTopic() throws Exception {
        int httpPort = ChildProcess.freePort();
        try (WebhookReceiver receiver = new WebhookReceiver();
                ChildProcess scheduler = scheduler("scheduler-without-write", kafkaConfig("scheduler-without-write",
                        password("scheduler-without-write")), httpPort)) {
            scheduler.awaitLine("http: http://127.0.0.1:" + httpPort, START);
            ApiResponse response = api(httpPort).post("/v1/jobs", job("refused-1", receiver));
            assertThat(response.status()).as(response::text).isEqualTo(503);
            List<String> lines = awaitAccessDeniedExit(scheduler, "Kafka authorisation failed");
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("topic " + Topics.region(REGION));
        }
    }
}
