package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.RecordingServer.delayThen;
import static dev.edgedispatcher.worker.RecordingServer.status;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/callbacks.md, "Sharing a worker": a job waiting for a busy destination at the bottom of a
 * partition no longer stops that partition once its commit window is full: it is parked at the end
 * of the partition and still ends with one final outcome, delivered once. Without parking the
 * partition pauses until the job has run, here after the busy destination's 55 s. The window is
 * made small (4,000 records instead of about 21,900) so that the test needs few jobs.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ParkingTest {

    private static final Region REGION = Region.N_CALIFORNIA;
    private static final int WINDOW = 4000;
    private static final int HEALTHY = 6000;

    @Test
    void aPartitionKeepsFlowingPastAJobWaitingForABusyDestination() throws Exception {
        String bootstrap = EmbeddedKafkaExtension.bootstrapServers();
        KafkaTestSupport.provision(bootstrap);
        String run = UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkerConfig config = WorkerConfig.from(WorkerConfig.defaults(bootstrap, Set.of(REGION), Accounts.withDefault("t"),
                List.of(Cidr.parse("127.0.0.0/8")))).commitWindow(WINDOW).build();
        int perDestination = config.maxConnectionsPerDestination();
        try (RecordingServer busy = new RecordingServer(InetAddress.getByName("127.0.0.3"))
                        .on("/hang", delayThen(70_000, status(200)));
                RecordingServer healthy = new RecordingServer(InetAddress.getByName("127.0.0.4"));
                WorkerService worker = WorkerService.start(config, metrics)) {
            // The busy destination's every place is taken, for 55 s, by jobs of partition 1.
            List<ProducerRecord<String, byte[]>> holding = new ArrayList<>();
            for (int i = 0; i < perDestination; i++) {
                holding.add(KafkaTestSupport.record(REGION, 1, JobRecord.builder("hold-" + run + "-" + i,
                        busy.url("/hang") + "#rt=40000&tt=55000&rc=1", REGION.wireName()).build()));
            }
            KafkaTestSupport.publishRaw(bootstrap, holding);
            await().atMost(Duration.ofSeconds(30)).until(() -> busy.received("/hang").size() >= perDestination);

            // Partition 0: first a job for the busy destination (it waits), then healthy ones.
            String waitingId = "waiting-" + run;
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            records.add(KafkaTestSupport.record(REGION, 0, JobRecord.builder(waitingId,
                    busy.url("/hang") + "#ct=1000&rt=1000&tt=1000&rc=0", REGION.wireName()).build()));
            for (int i = 0; i < HEALTHY; i++) {
                records.add(KafkaTestSupport.record(REGION, 0, JobRecord.builder("flow-" + run + "-" + i,
                        healthy.url("/ok"), REGION.wireName()).build()));
            }
            long published = System.nanoTime();
            KafkaTestSupport.publishRaw(bootstrap, records);
            // Unparked, the partition would stop at record 4,000 until the busy destination frees a place
            // (55 s) and the waiting job has run: every healthy job arrives before the waiting one.
            await().atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofMillis(200))
                    .until(() -> healthy.received("/ok").size() >= HEALTHY || requestsOf(busy, waitingId) > 0);
            assertThat(requestsOf(busy, waitingId)).as("requests of the waiting job when the others were delivered")
                    .isZero();
            System.out.printf("%d jobs behind a waiting one delivered in %d ms; %s parked%n", HEALTHY,
                    (System.nanoTime() - published) / 1_000_000, parked(metrics));
            Set<String> ids = new HashSet<>();
            healthy.received("/ok").forEach(request -> ids.add(request.header("webhook-id")));
            assertThat(ids).hasSize(HEALTHY);
            assertThat(healthy.received("/ok")).hasSize(HEALTHY);
            assertThat(parked(metrics)).as("jobs parked").isGreaterThanOrEqualTo(1.0);

            // The parked job still runs once the destination has room, once, and ends once.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> KafkaTestSupport.finals(bootstrap).containsKey(waitingId));
            Thread.sleep(1000); // a second final outcome, if one were coming, would be written by now
            Map<String, List<ResultEvent.Final>> finals = KafkaTestSupport.finals(bootstrap);
            assertThat(finals.get(waitingId)).as("final outcomes of the parked job").hasSize(1);
            assertThat(finals.get(waitingId).get(0).state()).isEqualTo("failed");
            assertThat(requestsOf(busy, waitingId)).as("requests of the parked job").isEqualTo(1);
        }
    }

    private static long requestsOf(RecordingServer server, String webhookId) {
        return server.received().stream().filter(request -> webhookId.equals(request.header("webhook-id"))).count();
    }

    private static double parked(PrometheusMeterRegistry metrics) {
        return metrics.get("dispatcher_jobs_parked").tag("region", REGION.wireName()).counter().count();
    }
}
