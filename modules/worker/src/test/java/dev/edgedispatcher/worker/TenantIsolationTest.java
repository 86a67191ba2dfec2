package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.RecordingServer.dribble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/callbacks.md, "Sharing a worker": one account sends 4,096 audio jobs to a receiver that
 * answers its headers and then trickles one byte every 5 s, on 16 ports of one address (audio kinds
 * have no tt, and rt restarts with every byte). Another account's 300 jobs to another address are
 * each delivered within 5 s of being published, none failed, while the trickling receiver holds no
 * more connections than one destination's cap.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TenantIsolationTest {

    private static final Region REGION = Region.SINGAPORE;

    @Test
    void aTricklingTenantOnSixteenPortsLeavesAnotherTenantsJobsOnTime(@TempDir Path dir) throws Exception {
        String bootstrap = EmbeddedKafkaExtension.bootstrapServers();
        KafkaTestSupport.provision(bootstrap);
        Path accountsFile = dir.resolve("accounts.json");
        Files.writeString(accountsFile, "{\"trickler\": {\"auth_token\": \"MAtricklertrickler01\"}}");
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<RecordingServer> trickling = new ArrayList<>();
        try (RecordingServer healthy = new RecordingServer(InetAddress.getByName("127.0.0.2"))) {
            for (int port = 0; port < 16; port++) {
                trickling.add(new RecordingServer().on("/audio", dribble(1000, 5000)));
            }
            try (WorkerService worker = WorkerService.start(WorkerConfig.defaults(bootstrap, Set.of(REGION),
                    Accounts.load(accountsFile, "t"), List.of(Cidr.parse("127.0.0.0/8"))).withMetricsPort(0),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                List<JobRecord> audio = new ArrayList<>();
                for (int i = 0; i < 4096; i++) {
                    audio.add(JobRecord.builder("audio-" + run + "-" + i, trickling.get(i % 16).url("/audio"),
                            REGION.wireName()).kind("play_audio").account("trickler").build());
                }
                KafkaTestSupport.publish(bootstrap, audio);
                // The trickling tenant has taken what it can.
                await().atMost(Duration.ofSeconds(30)).until(() -> openTo(trickling) >= 200);

                List<JobRecord> jobs = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    jobs.add(JobRecord.builder("healthy-" + run + "-" + i, healthy.url("/ok"),
                            REGION.wireName()).build());
                }
                long published = System.nanoTime();
                KafkaTestSupport.publish(bootstrap, jobs);
                await().atMost(Duration.ofSeconds(30)).until(() -> healthy.received("/ok").size() >= 300);
                for (RecordingServer.Received received : healthy.received("/ok")) {
                    long afterMs = (received.arrivedNanos() - published) / 1_000_000;
                    assertThat(afterMs).as("%s delivered after publishing", received.header("webhook-id")).isLessThan(5000);
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Map<String, List<ResultEvent.Final>> now = KafkaTestSupport.finals(bootstrap);
                    return jobs.stream().allMatch(job -> now.containsKey(job.id()));
                });
                Map<String, List<ResultEvent.Final>> finals = KafkaTestSupport.finals(bootstrap);
                assertThat(jobs).allSatisfy(job -> assertThat(finals.get(job.id()).get(0).state()).isEqualTo("delivered"));
                int most = trickling.stream().mapToInt(RecordingServer::maxOpenConnections).sum();
                System.out.printf("trickling tenant: %d connections at most over 16 ports; 300 jobs of another tenant"
                        + " delivered%n", most);
                assertThat(openTo(trickling)).as("connections held by the trickling tenant")
                        .isLessThanOrEqualTo(WorkerConfig.defaults(bootstrap, Set.of(REGION), Accounts.withDefault("t"),
                                List.of()).maxConnectionsPerDestination());
            }
        } finally {
            for (RecordingServer server : trickling) {
                server.close();
            }
        }
    }

    private static int openTo(List<RecordingServer> servers) {
        return servers.stream().mapToInt(RecordingServer::openConnections).sum();
    }
}
