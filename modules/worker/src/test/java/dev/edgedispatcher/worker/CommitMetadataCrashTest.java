package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.job;
import static dev.edgedispatcher.worker.KafkaTestSupport.record;
import static dev.edgedispatcher.worker.RecordingServer.delayThen;
import static dev.edgedispatcher.worker.RecordingServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded duplicates after a crash: one job stalls at the head of a partition while 5,000 later ones
 * finish; the worker is killed with SIGKILL. The committed offset cannot pass the stalled job, so
 * only the commit metadata says the 5,000 are done: after a restart exactly the stalled job is
 * delivered again, not one of the others.
 */
class CommitMetadataCrashTest {

    private static final int FINISHED = 5000;

    @Test
    void afterACrashOnlyTheJobThatWasInFlightIsDeliveredAgain(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0); RecordingServer receiver = new RecordingServer()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTestSupport.provision(bootstrap);
            receiver.on("/stall", delayThen(60_000, status(200)), status(200));
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            records.add(record(Region.FRANKFURT, 0, job("head", receiver.url("/stall#rc=0&rt=40000"), Region.FRANKFURT, null)));
            List<String> fast = new ArrayList<>();
            for (int i = 0; i < FINISHED; i++) {
                JobRecord later = job("later-" + i, receiver.url("/fast"), Region.FRANKFURT, null);
                fast.add(later.id());
                records.add(record(Region.FRANKFURT, 0, later));
            }
            KafkaTestSupport.publishRaw(bootstrap, records);

            try (WorkerProcess first = WorkerProcess.start(bootstrap, "frankfurt")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> finals(bootstrap).keySet().containsAll(fast));
                assertThat(receiver.received("/stall")).hasSize(1);
                Thread.sleep(1000); // several commit intervals: the metadata now lists all 5,000
                first.kill(); // SIGKILL: no commit, no goodbye
            }
            assertThat(receiver.received("/fast")).hasSize(FINISHED);

            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("t"),
                    List.of(Cidr.parse("127.0.0.0/8")));
            try (WorkerService second = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> "delivered".equals(
                        finals(bootstrap).getOrDefault("head", List.of()).stream().map(ResultEvent.Final::state)
                                .filter("delivered"::equals).findFirst().orElse(null)));
                Thread.sleep(2000); // time for any wrongly re-read job to arrive
            }
            assertThat(receiver.received("/stall")).hasSize(2);
            int redelivered = receiver.received("/fast").size() - FINISHED;
            System.out.printf("commit metadata crash test: %d finished behind a stalled head, %d delivered again%n",
                    FINISHED, redelivered);
            assertThat(redelivered).isZero();
        }
    }

    private static Map<String, List<ResultEvent.Final>> finals(String bootstrap) {
        return KafkaTestSupport.finals(bootstrap);
    }
}
