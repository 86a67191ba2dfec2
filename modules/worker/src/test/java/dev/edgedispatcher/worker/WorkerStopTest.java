package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that stops (a scale-down, a rollout) while a job is still running past its drain: the
 * stop cut the job off, not its destination, so it ends with no outcome from that worker (before,
 * the closed HTTP client failed the attempt and a final {@code failed} was written and stood) and
 * the next worker delivers it.
 */
class WorkerStopTest {

    @Test
    void aJobCutOffByTheWorkerStoppingGetsNoOutcomeAndTheNextWorkerDeliversIt(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0); RecordingServer receiver = new RecordingServer()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTestSupport.provision(bootstrap);
            // The first request stalls mid-body longer than a worker's 10 s drain; the next is answered.
            receiver.on("/slow", RecordingServer.stallBody(200, 15_000), RecordingServer.status(200));
            KafkaTestSupport.publish(bootstrap, List.of(job("cut-1", receiver.url("/slow#rc=0&rt=30000&tt=40000"),
                    Region.FRANKFURT, null)));
            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("t"),
                    List.of(Cidr.parse("127.0.0.0/8")));

            WorkerService first = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received("/slow").size() == 1);
            } finally {
                first.close();
            }
            assertThat(KafkaTestSupport.finals(bootstrap)).as("outcomes written by the stopped worker").doesNotContainKey("cut-1");

            try (WorkerService second = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> KafkaTestSupport.finals(bootstrap).containsKey("cut-1"));
            }
            List<ResultEvent.Final> finals = KafkaTestSupport.finals(bootstrap).get("cut-1");
            assertThat(finals).hasSize(1);
            assertThat(finals.get(0).state()).isEqualTo("delivered");
            assertThat(receiver.received("/slow")).hasSize(2);
        }
    }
}
