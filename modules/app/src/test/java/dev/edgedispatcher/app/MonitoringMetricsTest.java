package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * one a running system exposes: a scheduler and a {@code dispatcher worker} process started as the
 * pods start it ({@code --metrics-host 0.0.0.0}) deliver a job and dead-letter a poison record, then
 * both /metrics pages are scraped, and the worker's probes answer on a non-loopback address.
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

        try (LocalStack stack = TestStacks.schedulerOnly(dataDir); WebhookReceiver receiver = new WebhookReceiver()) {
            // The worker as the pods run it: `dispatcher worker --metrics-host 0.0.0.0 --metrics-port P`.
            int metricsPort = ChildProcess.freePort();
            try (ChildProcess worker = ChildProcess.dispatcher("worker", dataDir.resolve("worker.log"), 256, "worker",
                    "--bootstrap", stack.bootstrapServers(), "--region", "frankfurt", "--allow-destination", "127.0.0.0/8",
                    "--metrics-host", "0.0.0.0", "--metrics-port", String.valueOf(metricsPort))) {
                assertThat(worker.awaitLine("metrics: ", Duration.ofSeconds(60)))
                        .isEqualTo("metrics: http://0.0.0.0:" + metricsPort + "/metrics");
                ApiClient scheduler = TestStacks.api(stack);
                String server = scheduler.base();
                CommandRun run = CommandRun.dispatcher("submit", receiver.url("/ok") + "#er=frankfurt", "--param",
                        "CallUUID=m1", "--server", server, "--wait");
                assertThat(run.exitCode()).as(run.err()).isZero();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        KafkaClientSettings.producer(dev.edgedispatcher.backbone.KafkaConnection.plaintext(stack.bootstrapServers()), "metrics-test"))) {
                    producer.send(new ProducerRecord<>(Topics.region(Region.FRANKFURT), "poison",
                            "not json".getBytes(StandardCharsets.UTF_8))).get();
                }
                ApiClient workerMetrics = ApiClient.local(metricsPort);
                long deadline = System.currentTimeMillis() + 30_000;
                String exposed;
                do {
                    Thread.sleep(200);
                    exposed = page(workerMetrics, "/metrics") + page(scheduler, "/metrics");
                } while (!exposed.contains("dispatcher_poison_records_total") && System.currentTimeMillis() < deadline);
                Set<String> names = new TreeSet<>();
                for (String line : exposed.split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        names.add(line.split("[{ ]", 2)[0]);
                    }
                }
                assertThat(names).as("metric names a running scheduler and worker expose").containsAll(used);
                // Prometheus's own lint: HELP on every series, base units in names, no finding at all.
                assertPromtoolSilent("the scheduler's /metrics", page(scheduler, "/metrics"));
                assertPromtoolSilent("the worker's /metrics", page(workerMetrics, "/metrics"));
                // Probes as the kubelet sends them: to the pod's address, not loopback.
                String podAddress = nonLoopbackAddress().map(a -> "http://" + a + ":" + metricsPort).orElse(workerMetrics.base());
                for (String probe : List.of("/health/live", "/health/ready")) {
                    assertThat(ApiClient.of(podAddress).get(probe).status()).as(podAddress + probe).isEqualTo(200);
                }
            }
        }
    }

    /** {@code promtool check metrics} (Debian's package prometheus; .ci/run installs it) finds nothing in {@code page}. */
    private static void assertPromtoolSilent(String what, String page) throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("promtool is needed for this check: apt-get install prometheus (.ci/run installs it)", e);
        }
        try (var in = promtool.getOutputStream()) {
            in.write(page.getBytes(StandardCharsets.UTF_8));
        }
        String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(findings).as("promtool check metrics on " + what).isEmpty();
        assertThat(promtool.exitValue()).as(what).isZero();
    }

    /** An IPv4 address of this machine other than loopback, when it has one. */
    private static Optional<String> nonLoopbackAddress() throws Exception {
        return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .flatMap(nic -> java.util.Collections.list(nic.getInetAddresses()).stream())
                .filter(address -> address instanceof java.net.Inet4Address && !address.isLoopbackAddress())
                .map(java.net.InetAddress::getHostAddress).findFirst();
    }

    /** The text of a page that must answer 200. */
    private static String page(ApiClient api, String path) throws Exception {
        ApiResponse response = api.get(path);
        assertThat(response.status()).as(api.base() + path).isEqualTo(200);
        return response.text();
    }
}
