package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.job;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/callbacks.md, "Delivery semantics": timers measure the destination, never local queueing. A
 * worker that starts with 20,000 jobs already queued for one healthy receiver, none of them allowed
 * a retry ({@code rc=0}), must deliver every one: a single ct or rt failure here would be the
 * worker timing its own backlog.
 */
class BacklogRestartTest {

    private static final int JOBS = 20_000;

    @Test
    void aWorkerStartingWithABacklogFailsNoneOfItsHealthyJobs(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0); RecordingServer receiver = new RecordingServer()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTestSupport.provision(bootstrap);
            List<JobRecord> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                // ct well above a loopback connect, yet far below what a backlog of 20,000 takes to drain.
                jobs.add(job("backlog-" + i, receiver.url("/cb#rc=0&ct=1000&rt=2000"), Region.FRANKFURT, null));
            }
            KafkaTestSupport.publish(bootstrap, jobs);

            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("t"),
                    List.of(Cidr.parse("127.0.0.0/8")));
            long started = System.nanoTime();
            try (WorkerService worker = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> finals(bootstrap).size() >= JOBS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, ResultEvent.Final> finals = finals(bootstrap);
            Map<String, Long> byState = finals.values().stream()
                    .collect(Collectors.groupingBy(ResultEvent.Final::state, Collectors.counting()));
            System.out.printf("backlog test: %d jobs drained in %.1f s, final states %s%n", JOBS, seconds, byState);
            List<String> failures = finals.values().stream().filter(event -> !event.state().equals("delivered"))
                    .limit(5).map(event -> event.id() + ": " + event.reason()).toList();
            assertThat(failures).isEmpty();
            assertThat(finals).hasSize(JOBS);
        }
    }

    private static Map<String, ResultEvent.Final> finals(String bootstrap) {
        return KafkaTestSupport.firstFinals(bootstrap);
    }
}
