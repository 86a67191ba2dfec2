package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.job;
import static dev.edgedispatcher.worker.RecordingServer.delayThen;
import static dev.edgedispatcher.worker.RecordingServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.ConnectionLimits;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC §5 "Bounded resources": with more distinct destinations than the connection cap, the worker
 * never holds more connections than the cap (counted by the receiver, from outside), idle ones are
 * closed to make room, every job is still delivered and Kafka keeps working.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ConnectionCapTest {

    private static final int CAP = 24;
    private static final int DESTINATIONS = 600;

    @Test
    void moreDistinctDestinationsThanTheCapNeverOpenMoreConnections() throws Exception {
        String bootstrap = EmbeddedKafkaExtension.bootstrapServers();
        KafkaTestSupport.provision(bootstrap);
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (RecordingServer receiver = new RecordingServer(InetAddress.getByName("0.0.0.0"))) {
            receiver.on("/cb", delayThen(20, status(200)));
            List<JobRecord> jobs = new ArrayList<>();
            for (int i = 0; i < DESTINATIONS; i++) {
                // 127.0.x.y: each a destination of its own, all answered by the one wildcard receiver.
                String host = "127.0." + (1 + i / 250) + "." + (1 + i % 250);
                jobs.add(job("cap-" + run + "-" + i, "http://" + host + ":" + receiver.port() + "/cb", Region.SINGAPORE, null));
            }
            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.SINGAPORE), Accounts.withDefault("t"),
                    List.of(Cidr.parse("127.0.0.0/8"))).withConnections(new ConnectionLimits(CAP, CAP, 60_000));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (WorkerService worker = WorkerService.start(config, metrics)) {
                KafkaTestSupport.publish(bootstrap, jobs);
                await().atMost(Duration.ofSeconds(60)).until(() -> finals(run).size() >= DESTINATIONS);
                assertThat(metrics.get("dispatcher_open_connections").gauge().value()).isLessThanOrEqualTo(CAP);
            }
            Map<String, ResultEvent> finals = finals(run);
            assertThat(finals.values()).allSatisfy(event -> assertThat(event.state()).as(event.reason()).isEqualTo("delivered"));
            assertThat(receiver.received("/cb")).hasSize(DESTINATIONS);
            System.out.printf("connection cap test: %d destinations, cap %d, at most %d connections open at the receiver%n",
                    DESTINATIONS, CAP, receiver.maxOpenConnections());
            // The receiver sees a closed connection a moment after we close it (its thread must read
            // the FIN): allow that lag. Without the cap this is one connection per destination (600).
            assertThat(receiver.maxOpenConnections()).isLessThanOrEqualTo(CAP + 8);
        }
    }

    private static Map<String, ResultEvent> finals(String run) {
        return KafkaTestSupport.results(EmbeddedKafkaExtension.bootstrapServers()).stream()
                .filter(event -> event.type().equals(ResultEvent.FINAL) && event.id().startsWith("cap-" + run))
                .collect(Collectors.toMap(ResultEvent::id, event -> event, (first, second) -> first));
    }
}
