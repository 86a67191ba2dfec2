package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.WorkerService;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric name that deploy/monitoring (scrape config, alert rules, Grafana dashboard) uses is
 * one a running system exposes: a scheduler and a separate worker process's services (the worker's
 * /health and /metrics on 0.0.0.0, as the pods run it) deliver a job and dead-letter a poison
 * record, then both /metrics pages are scraped.
 */
class MonitoringMetricsTest {

    private static final Pattern METRIC = Pattern.compile("\\bdispatcher_[a-z0-9_]+\\b");

    @Test
    void everyMetricNameInDeployMonitoringIsExposed(@TempDir Path dataDir) throws Exception {
        Path monitoring = Path.of("").toAbsolutePath().resolve("../../deploy/monitoring").normalize();
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(monitoring)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher m = METRIC.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group());
                }
            }
        }
        assertThat(used).as("metric names in " + monitoring).isNotEmpty();

        RegionResolver resolver = RegionResolver.builder().noGeoLocator("not needed").homeRegion(Region.N_VIRGINIA).build();
        HttpClient http = HttpClient.newHttpClient();
        try (LocalStack stack = LocalStack.start(dataDir, 0,
                bootstrap -> SchedulerConfig.defaults(bootstrap, resolver).withPort(0), bootstrap -> Optional.empty());
                WebhookReceiver receiver = new WebhookReceiver()) {
            PrometheusMeterRegistry workerMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            WorkerService worker = WorkerService.start(WorkerConfig.defaults(stack.bootstrapServers(),
                    EnumSet.of(Region.FRANKFURT), Accounts.withDefault("metrics"), List.of(Cidr.parse("127.0.0.0/8")))
                    .withMetricsPort(0), workerMetrics, "0.0.0.0");
            try {
                String server = "http://127.0.0.1:" + stack.httpPort();
                CommandRun run = CommandRun.dispatcher("submit", receiver.url("/ok") + "#er=frankfurt", "--param",
                        "CallUUID=m1", "--server", server, "--wait");
                assertThat(run.exitCode()).as(run.err()).isZero();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        KafkaClientSettings.producer(stack.bootstrapServers(), "metrics-test"))) {
                    producer.send(new ProducerRecord<>(Topics.region(Region.FRANKFURT), "poison",
                            "not json".getBytes(StandardCharsets.UTF_8))).get();
                }
                String workerBase = "http://127.0.0.1:" + worker.metricsPort();
                long deadline = System.currentTimeMillis() + 30_000;
                String exposed;
                do {
                    Thread.sleep(200);
                    exposed = get(http, workerBase + "/metrics") + get(http, server + "/metrics");
                } while (!exposed.contains("dispatcher_poison_records_total") && System.currentTimeMillis() < deadline);
                Set<String> names = new TreeSet<>();
                for (String line : exposed.split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        names.add(line.split("[{ ]", 2)[0]);
                    }
                }
                assertThat(names).as("metric names a running scheduler and worker expose").containsAll(used);
                for (String probe : List.of("/health/live", "/health/ready")) {
                    assertThat(http.send(HttpRequest.newBuilder(URI.create(workerBase + probe)).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode()).as(probe).isEqualTo(200);
                }
            } finally {
                worker.close();
            }
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
