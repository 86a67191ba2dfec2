package dev.edgedispatcher.bench;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.scheduler.SchedulerService;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.WorkerService;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * Bounded memory (issue: faults; docs/api.md, "Kafka topics": bounded resources): {@code jobs} jobs
 * to {@code hosts} distinct destinations (127.x.y.z, one receiver process listening on all of them)
 * go through the scheduler's batch API and the workers, both in this JVM (the broker and the
 * receiver run in processes of their own). Submission is paced so that at most 50,000 jobs are
 * accepted and not yet delivered. Every 10% of the jobs the heap is measured after a full GC; with
 * the documented defaults it must stay flat, under the -Xmx this runs with (1 GiB, from
 * scripts/bench-system).
 *
 * <p>Run: {@code scripts/bench-system memory [jobs] [hosts]}.
 */
public final class MemoryBenchmark {

    private static final int BATCH = 1000;
    private static final int MAX_UNDELIVERED = 50_000;

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int receiverPort = 42700;
        Path dataDir = Files.createTempDirectory("memory-bench");
        Process receiver = BacklogBenchmark.start(ReceiverServer.class, "receiving", String.valueOf(receiverPort), "1");
        Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroyForcibly));
        try {
            String bootstrap = bootstrapOf(broker);
            try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
                new TopicProvisioner(admin).ensure(TopicLayout.DEFAULT, Duration.ofSeconds(60));
            }
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            RegionResolver resolver = RegionResolver.builder().noGeoLocator("explicit regions only").build();
            try (dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer postgres =
                        dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
                    SchedulerService scheduler = SchedulerService.start(SchedulerConfig.defaults(bootstrap, resolver,
                            dev.edgedispatcher.store.JobStoreConfig.of(postgres.database("bench").asProperties())).withPort(0),
                    metrics);
                    WorkerService workers = WorkerService.start(WorkerConfig.defaults(bootstrap, EnumSet.allOf(Region.class),
                            Accounts.withDefault("bench"), List.of(Cidr.parse("127.0.0.0/8"))), metrics)) {
                System.out.printf("# memory benchmark: %,d jobs, %,d distinct destinations, batches of %d, at most %,d"
                        + " undelivered, max heap %d MiB%n", jobs, hosts, BATCH, MAX_UNDELIVERED,
                        Runtime.getRuntime().maxMemory() >> 20);
                System.out.println("ended  seconds  heap-after-full-GC-MiB  open-connections  destinations-tracked");
                run(scheduler.port(), receiverPort, jobs, hosts, metrics);
                java.util.Map<String, Double> outcomes = new java.util.TreeMap<>();
                Search.in(metrics).name("dispatcher_deliveries").counters().forEach(counter ->
                        outcomes.merge(counter.getId().getTag("outcome"), counter.count(), Double::sum));
                System.out.println("outcomes: " + outcomes);
            }
        } finally {
            receiver.destroyForcibly();
            broker.destroyForcibly();
        }
        System.exit(0);
    }

    private static void run(int port, int receiverPort, int jobs, int hosts, PrometheusMeterRegistry metrics)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI batchUri = URI.create("http://127.0.0.1:" + port + "/v1/jobs:batch");
        ExecutorService senders = Executors.newFixedThreadPool(2);
        AtomicLong submitted = new AtomicLong();
        long start = System.nanoTime();
        long nextReport = jobs / 10;
        long maxHeap = 0;
        List<Future<?>> pending = new ArrayList<>();
        for (int first = 0; first < jobs; first += BATCH) {
            while (submitted.get() - delivered(metrics) > MAX_UNDELIVERED) {
                Thread.sleep(20);
                nextReport = report(metrics, start, nextReport, jobs);
            }
            int from = first;
            int count = Math.min(BATCH, jobs - first);
            pending.add(senders.submit(() -> {
                StringBuilder body = new StringBuilder(count * 120).append('[');
                for (int i = from; i < from + count; i++) {
                    int host = i % hosts;
                    body.append(i == from ? "" : ",").append("{\"id\":\"m-").append(i).append("\",\"url\":\"http://127.")
                            .append(1 + host / 60_000).append('.').append(1 + (host / 240) % 250).append('.')
                            .append(1 + host % 240).append(':').append(receiverPort)
                            .append("/cb#rc=0&er=n_virginia\",\"params\":{\"CallUUID\":\"c-").append(i).append("\"}}");
                }
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(batchUri)
                        .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200 || answer.body().contains("\"error\"")) {
                    throw new IllegalStateException("batch refused: " + answer.statusCode() + " "
                            + answer.body().substring(0, Math.min(300, answer.body().length())));
                }
                submitted.addAndGet(count);
                return null;
            }));
            if (pending.size() > 4) {
                pending.remove(0).get();
            }
            nextReport = report(metrics, start, nextReport, jobs);
        }
        for (Future<?> batch : pending) {
            batch.get();
        }
        while (delivered(metrics) < jobs) {
            Thread.sleep(50);
            nextReport = report(metrics, start, nextReport, jobs);
        }
        report(metrics, start, nextReport, jobs);
        senders.shutdown();
    }

    private static long report(PrometheusMeterRegistry metrics, long start, long nextReport, int jobs) {
        long delivered = delivered(metrics);
        if (delivered < nextReport) {
            return nextReport;
        }
        System.gc(); // G1: a full collection
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("%,9d  %7.0f  %22d  %16.0f  %20.0f%n", delivered, (System.nanoTime() - start) / 1e9, heap >> 20,
                metrics.get("dispatcher_open_connections").gauge().value(),
                metrics.get("dispatcher_destinations_tracked").gauge().value());
        return nextReport + jobs / 10;
    }

    private static long delivered(PrometheusMeterRegistry metrics) {
        return (long) Search.in(metrics).name("dispatcher_deliveries").counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    private static String bootstrapOf(Process broker) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("kafka bootstrap: ")) {
                String bootstrap = line.substring("kafka bootstrap: ".length()).trim();
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (java.io.IOException e) {
                        // broker gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return bootstrap;
            }
        }
        throw new IllegalStateException("the broker process did not start");
    }
}
