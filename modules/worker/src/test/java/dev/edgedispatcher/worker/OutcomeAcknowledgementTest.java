package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.job;
import static dev.edgedispatcher.worker.KafkaTestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An offset is done only after its outcome is acknowledged: while {@code webhooks.results} refuses
 * the final event (its max.message.bytes is set below the event's size, a real broker-side
 * rejection), the job's offset is not committed and the worker is not ready; once the topic
 * accepts it again, the retried events land (the attempt before the final one) and the offset
 * moves on, without a second delivery.
 */
class OutcomeAcknowledgementTest {

    @Test
    void theOffsetWaitsUntilTheFinalOutcomeIsWritten(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0); RecordingServer receiver = new RecordingServer()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTestSupport.provision(bootstrap);
            TopicPartition partition = new TopicPartition(Topics.region(Region.FRANKFURT), 0);
            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("t"),
                    List.of(Cidr.parse("127.0.0.0/8")));
            try (WorkerService worker = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                KafkaTestSupport.publishRaw(bootstrap, List.of(record(Region.FRANKFURT, 0,
                        job("warm", receiver.url("/cb"), Region.FRANKFURT, null))));
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        KafkaTestSupport.committed(bootstrap, RegionWorker.groupOf(Region.FRANKFURT), partition) == 1);

                KafkaTestSupport.setResultsMaxMessageBytes(bootstrap, 64);
                KafkaTestSupport.publishRaw(bootstrap, List.of(record(Region.FRANKFURT, 0,
                        job("refused", receiver.url("/cb"), Region.FRANKFURT, null))));
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/cb").size() == 2);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        !worker.health(dev.edgedispatcher.backbone.health.Probe.READY).up());
                Thread.sleep(2000); // many commit intervals and write retries
                assertThat(KafkaTestSupport.committed(bootstrap, RegionWorker.groupOf(Region.FRANKFURT), partition)).isEqualTo(1);
                assertThat(finalsOf("refused", bootstrap)).isEmpty();

                KafkaTestSupport.setResultsMaxMessageBytes(bootstrap, 1_048_588);
                await().atMost(Duration.ofSeconds(30)).until(() -> finalsOf("refused", bootstrap).size() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        KafkaTestSupport.committed(bootstrap, RegionWorker.groupOf(Region.FRANKFURT), partition) == 2);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        worker.health(dev.edgedispatcher.backbone.health.Probe.READY).up());
            }
            assertThat(finalsOf("refused", bootstrap).get(0).state()).isEqualTo("delivered");
            // The succeeded attempt travels in the final event: one record, retried until it landed.
            assertThat(KafkaTestSupport.results(bootstrap).stream().filter(event -> event.id().equals("refused")
                    && !event.type().equals(ResultEvent.STARTED)).map(event -> event.type() + ":" + (event instanceof ResultEvent.Final outcome ? outcome.state() : null)
                    + event.attemptsRecorded().stream().map(attempt -> ":" + attempt.outcome()).toList()).toList())
                    .containsExactly("final:delivered[:ok]");
            assertThat(receiver.received("/cb")).hasSize(2);
        }
    }

    private static List<ResultEvent.Final> finalsOf(String id, String bootstrap) {
        return KafkaTestSupport.results(bootstrap).stream()
                .filter(event -> event instanceof ResultEvent.Final && event.id().equals(id)).map(ResultEvent.Final.class::cast)
                .toList();
    }
}
