package dev.edgedispatcher.bench;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.scheduler.SchedulerService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Scheduler intake on one machine, all in one run (issue: Kafka backbone): (1) Kafka's own producer
 * ceiling with the scheduler's producer settings and job-sized records, the baseline; (2) jobs
 * accepted per second through {@code POST /v1/jobs:batch}; (3) through Kafka intake
 * ({@code webhooks.jobs}); (4) p50/p99 latency of single {@code POST /v1/jobs} at a steady rate,
 * measured open-loop from each request's scheduled send time.
 *
 * <p>Run: {@code scripts/bench-system intake [jobs] [rate] [seconds]}.
 */
public final class IntakeBenchmark {

    /** The baseline writes to a topic of its own with the region topics' partition count. */
    private static final String CEILING_TOPIC = "bench.producer-ceiling";

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path dataDir = Files.createTempDirectory("intake-bench");
        System.out.printf("# intake benchmark: %d jobs per throughput phase, single POSTs at %d/s for %d s%n", jobs, rate, seconds);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
                dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer postgres =
                        dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0)) {
            RegionResolver resolver = RegionResolver.builder().noGeoLocator("explicit regions only").build();
            try (SchedulerService scheduler = SchedulerService.start(
                    SchedulerConfig.defaults(broker.bootstrapServers(), resolver, dev.edgedispatcher.store.JobStoreConfig.of(
                            postgres.database("bench").asProperties())).withPort(0))) {
                String base = "http://127.0.0.1:" + scheduler.port();
                // Warm-up: JIT and connections, not measured.
                producerCeiling(broker.bootstrapServers(), jobs / 4);
                batchApi(base, jobs / 4, "warm");
                double ceiling = producerCeiling(broker.bootstrapServers(), jobs);
                double batch = batchApi(base, jobs, "batch");
                double intake = kafkaIntake(broker.bootstrapServers(), jobs);
                System.out.printf("producer ceiling (baseline): %,.0f records/s%n", ceiling);
                System.out.printf("batch API:                   %,.0f jobs/s  = %.2f of the ceiling%n", batch, batch / ceiling);
                System.out.printf("Kafka intake:                %,.0f jobs/s  = %.2f of the ceiling%n", intake, intake / ceiling);
                awaitSinkQuiet(base);
                singlePostLatency(base, rate, seconds, true);
                singlePostLatency(base, rate, seconds, false);
            }
        }
    }

    static String jobJson(int i, String id) {
        return "{\"id\":\"" + id + "\",\"url\":\"https://hooks.example.com/answer?CallUUID=" + i
                + "#ct=2000&rt=5000&rc=2&er=frankfurt\",\"params\":{\"CallUUID\":\"" + i
                + "\",\"From\":\"+14155550100\",\"To\":\"+4930123456\",\"Event\":\"answer\"}}";
    }

    private static double producerCeiling(String bootstrap, int records) throws Exception {
        byte[] value = jobJson(0, "0000000000-ceiling").getBytes(StandardCharsets.UTF_8);
        try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
            if (!admin.listTopics().names().get().contains(CEILING_TOPIC)) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(CEILING_TOPIC, 12, (short) 1))).all().get();
                Thread.sleep(2000); // leaders elected before the first send (the record-loss race)
            }
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "ceiling"))) {
            long start = System.nanoTime();
            List<CompletableFuture<Void>> acks = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(CEILING_TOPIC, "ceiling-" + i, value), (m, e) -> {
                    if (e != null) {
                        ack.completeExceptionally(e);
                    } else {
                        ack.complete(null);
                    }
                });
                acks.add(ack);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            return records / seconds(start);
        }
    }

    private static double batchApi(String base, int jobs, String prefix) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int batchSize = 1000;
        int batches = jobs / batchSize;
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(CompletableFuture.runAsync(() -> {
                for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                    StringBuilder body = new StringBuilder("[");
                    for (int i = 0; i < batchSize; i++) {
                        body.append(i == 0 ? "" : ",").append(jobJson(i, prefix + "-" + b + "-" + i));
                    }
                    body.append(']');
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs:batch"))
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
                            throw new IllegalStateException("batch refused: " + response.statusCode());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, Executors.newSingleThreadExecutor()));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();
        return batches * batchSize / seconds(start);
    }

    private static double kafkaIntake(String bootstrap, int jobs) throws Exception {
        long before = regionEndOffsets(bootstrap);
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "intake-load"))) {
            for (int i = 0; i < jobs; i++) {
                String id = "intake-" + i;
                producer.send(new ProducerRecord<>(Topics.JOBS, id, jobJson(i, id).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        while (regionEndOffsets(bootstrap) - before < jobs) {
            if (seconds(start) > 300) {
                throw new IllegalStateException("intake did not finish in 300 s");
            }
            Thread.sleep(20);
        }
        return jobs / seconds(start);
    }

    private static long regionEndOffsets(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < 12; p++) {
                request.put(new TopicPartition(Topics.region(Region.FRANKFURT), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    /** With {@code baseline}, the same open-loop load against GET /health: the HTTP and client floor. */
    private static void singlePostLatency(String base, int rate, int seconds, boolean baseline) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int total = rate * seconds;
        long[] micros = new long[total];
        AtomicInteger recorded = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 100_000_000L;
        List<CompletableFuture<Void>> inFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < total; i++) {
            int n = i;
            long scheduled = start + n * periodNanos;
            ticker.schedule(() -> {
                HttpRequest request = baseline
                        ? HttpRequest.newBuilder(URI.create(base + "/health")).GET().build()
                        : HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
                                .POST(HttpRequest.BodyPublishers.ofString(jobJson(n, "single-" + n))).build();
                inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                    long latency = (System.nanoTime() - scheduled) / 1000;
                    if (response.statusCode() == (baseline ? 200 : 202)) {
                        micros[recorded.getAndIncrement()] = latency;
                    } else {
                        failed.incrementAndGet();
                    }
                }));
            }, scheduled - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        ticker.shutdown();
        ticker.awaitTermination(seconds + 60, TimeUnit.SECONDS);
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Percentiles p = new Percentiles(micros, recorded.get());
        System.out.printf((baseline ? "baseline GET /health  " : "single POST /v1/jobs  ")
                + "at %d/s for %d s (open loop, from scheduled send): n=%d failed=%d "
                + "p50=%.2f ms p99=%.2f ms p99.9=%.2f ms max=%.2f ms%n", rate, seconds, p.count(), failed.get(),
                p.at(50) / 1000.0, p.at(99) / 1000.0, p.at(99.9) / 1000.0, p.at(100) / 1000.0);
    }

    /**
     * Waits until {@code /health} stops changing (its job-store detail carries the sink's lag), so the
     * latency phase runs once the job store's sink has caught up, on a quiet system.
     */
    private static void awaitSinkQuiet(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String last = "";
        for (int stable = 0; stable < 3; ) {
            String health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            stable = health.equals(last) ? stable + 1 : 0;
            last = health;
            Thread.sleep(1000);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

}
