package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.job;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once across a real crash: a worker in its own JVM is SIGKILLed while thousands of jobs
 * are in flight; a new worker takes over. Every job must reach a final outcome, and the receiver
 * must have seen every job at least once.
 */
class WorkerCrashTest {

    private static final int JOBS = 3000;

    @Test
    void killingAWorkerWithJobsInFlightLosesNothing(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0); RecordingServer receiver = new RecordingServer()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTestSupport.provision(bootstrap);
            receiver.on("/cb", delayThen(250, status(200)));
            List<JobRecord> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(job("crash-" + i, receiver.url("/cb"), Region.FRANKFURT, null));
            }
            KafkaTestSupport.publish(bootstrap, jobs);

            try (WorkerProcess first = WorkerProcess.start(bootstrap, "frankfurt")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received("/cb").size() >= JOBS / 3);
                first.kill(); // SIGKILL: no commit, no goodbye
            }
            int seenBeforeCrash = receiver.received("/cb").size();
            assertThat(seenBeforeCrash).isLessThan(JOBS);

            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("t"),
                    List.of(Cidr.parse("127.0.0.0/8")));
            try (WorkerService second = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        finals(bootstrap).keySet().containsAll(jobs.stream().map(JobRecord::id).toList()));
            }
            Map<String, List<ResultEvent.Final>> finals = finals(bootstrap);
            assertThat(finals).hasSize(JOBS);
            assertThat(finals.values()).allSatisfy(outcomes ->
                    assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.state()).isEqualTo("delivered")));
            Map<String, Long> seen = receiver.received("/cb").stream()
                    .collect(Collectors.groupingBy(request -> request.header("webhook-id"), Collectors.counting()));
            assertThat(seen.keySet()).containsAll(jobs.stream().map(JobRecord::id).toList());
            long redelivered = seen.values().stream().filter(count -> count > 1).count();
            long duplicateFinals = finals.values().stream().filter(outcomes -> outcomes.size() > 1).count();
            System.out.printf("crash test: %d jobs, %d seen before the kill, %d delivered twice, %d with two final events%n",
                    JOBS, seenBeforeCrash, redelivered, duplicateFinals);
            // Only what was in flight at the kill may be delivered again: at most the per-destination
            // bulkhead (256) plus the jobs finished in the last commit interval.
            assertThat(redelivered).isLessThanOrEqualTo(256 + 200);
        }
    }

    private static Map<String, List<ResultEvent.Final>> finals(String bootstrap) {
        return KafkaTestSupport.finals(bootstrap);
    }
}
