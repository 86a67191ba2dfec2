package dev.edgedispatcher.bench;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.WorkerService;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A worker that starts (or restarts) with a backlog (issue: faults; docs/callbacks.md, "Delivery
 * semantics": timers measure the destination): the jobs are queued on the region topic first, then
 * one worker is started, in one run:
 * (a) 20,000 jobs with {@code rc=0} for a healthy receiver, with 1,000 jobs for a receiver that never
 *     answers ({@code rt=1000}) mixed in: spurious ct/rt failures among the healthy ones (target 0)
 *     and how late the 1,000 rt timers fired (duration minus rt; target p99 < 50 ms);
 * (b) 5,000 jobs with {@code rc=0} for a receiver answering after 100 ms: spurious failures (target 0).
 * Receivers run in processes of their own; broker and worker share this JVM.
 *
 * <p>Run: {@code scripts/bench-system backlog [healthy-jobs]}.
 */
public final class BacklogBenchmark {

    private static final int STALL_PORT = 41500;

    public static void main(String[] args) throws Exception {
        int healthy = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int receiverPort = 42600;
        Process receiver = start(ReceiverServer.class, "receiving", String.valueOf(receiverPort), "1");
        Process stall;
        try {
            stall = start(StallServer.class, "stalling", String.valueOf(STALL_PORT), "10", "report");
        } catch (IOException | RuntimeException e) {
            receiver.destroyForcibly();
            throw e;
        }
        List<Long> closedAfter = java.util.Collections.synchronizedList(new ArrayList<>());
        drain(stall, line -> {
            if (line.startsWith("closed ")) {
                closedAfter.add(Long.parseLong(line.substring(7)));
            }
        });
        try {
            List<JobRecord> a = new ArrayList<>();
            for (int i = 0; i < healthy; i++) {
                a.add(job("a-" + i, "http://127.0.0.1:" + receiverPort + "/ok#rc=0"));
                if (i % 20 == 0) {
                    int stallIndex = (i / 20) % 10;
                    a.add(job("a-stall-" + i, "http://" + StallServer.address(stallIndex) + ":" + (STALL_PORT + stallIndex)
                            + "/stall#rc=0&rt=1000"));
                }
            }
            report("(a) " + healthy + " healthy + " + (a.size() - healthy) + " stalling (rt=1000)", run(a));
            Thread.sleep(500);
            long[] lateness = closedAfter.stream().mapToLong(ms -> ms - 1000).toArray();
            Percentiles seen = new Percentiles(lateness, lateness.length);
            int half = lateness.length / 2;
            Percentiles early = new Percentiles(java.util.Arrays.copyOfRange(lateness, 0, half), half);
            Percentiles late = new Percentiles(java.util.Arrays.copyOfRange(lateness, half, lateness.length), lateness.length - half);
            System.out.printf("(a) by order of closing: first half p50=%d ms p99=%d ms, second half p50=%d ms p99=%d ms%n",
                    early.at(50), early.at(99), late.at(50), late.at(99));
            System.out.printf("(a) the same rt timers seen by the stalling receiver (first byte in to close): n=%d lateness"
                    + " p50=%d ms p99=%d ms max=%d ms (target p99 < 50 ms)%n", seen.count(), seen.at(50), seen.at(99), seen.at(100));
            List<JobRecord> b = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                b.add(job("b-" + i, "http://127.0.0.1:" + receiverPort + "/slow#rc=0"));
            }
            report("(b) 5000 for a 100 ms receiver", run(b));
        } finally {
            receiver.destroyForcibly();
            stall.destroyForcibly();
        }
        System.exit(0);
    }

    private record Run(double seconds, List<ResultEvent.Final> finals, List<ResultEvent.Attempt> attempts, String timerLateness) {
    }

    /** Queues the jobs on a fresh broker, then starts one worker and waits for every final outcome. */
    private static Run run(List<JobRecord> jobs) throws Exception {
        Path dataDir = Files.createTempDirectory("backlog-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
                new TopicProvisioner(admin).ensure(TopicLayout.DEFAULT, Duration.ofSeconds(60));
            }
            Map<String, Object> props = KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "bench-backlog");
            props.put("delivery.timeout.ms", 120_000);
            props.put("max.block.ms", 60_000);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
                for (JobRecord job : jobs) {
                    producer.send(new ProducerRecord<>(Topics.region(Region.FRANKFURT), job.kafkaKey(), RecordJson.write(job)));
                }
                producer.flush();
            }
            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("bench"),
                    List.of(Cidr.parse("127.0.0.0/8")));
            long start = System.nanoTime();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (WorkerService worker = WorkerService.start(config, metrics)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                // The worst loop's lag (its 10 ms tick, EventLoopLag) every 50 ms: the loops' punctuality
                // apart from the expiries themselves.
                List<Long> loopLag = new ArrayList<>();
                // Count outcomes from the worker's own counter: reading the results topic over and over
                // would compete with the worker for the same 2 cores.
                while (io.micrometer.core.instrument.search.Search.in(metrics).name("dispatcher_deliveries").counters()
                        .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum() < jobs.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not every job ended within 5 minutes");
                    }
                    loopLag.add(Math.round(metrics.get("dispatcher_event_loop_lag_seconds").gauge().value() * 1000));
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                // The counter moves when a final event is handed to the writer: wait until all are written.
                List<ResultEvent> events = events(bootstrap);
                while (events.stream().filter(e -> e.type().equals(ResultEvent.FINAL)).map(ResultEvent::id).distinct()
                        .count() < jobs.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not every final outcome was written within 5 minutes");
                    }
                    Thread.sleep(200);
                    events = events(bootstrap);
                }
                var snapshot = metrics.get("dispatcher_timer_lateness_seconds").summary().takeSnapshot();
                StringBuilder lateness = new StringBuilder("n=" + snapshot.count());
                for (var percentile : snapshot.percentileValues()) {
                    lateness.append(String.format(" p%s=%.0f ms", percentile.percentile() * 100, percentile.value() * 1000));
                }
                lateness.append(String.format(" max=%.0f ms", snapshot.max() * 1000));
                Percentiles lag = new Percentiles(loopLag.stream().mapToLong(Long::longValue).toArray(), loopLag.size());
                lateness.append(String.format("; the loops' 10 ms tick sampled every 50 ms meanwhile: n=%d p50=%d ms p99=%d ms"
                        + " max=%d ms", lag.count(), lag.at(50), lag.at(99), lag.at(100)));
                return new Run(seconds, events.stream().filter(ResultEvent.Final.class::isInstance)
                        .map(ResultEvent.Final.class::cast).toList(),
                        events.stream().flatMap(e -> e.attemptsRecorded().stream()).toList(), lateness.toString());
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void report(String name, Run run) {
        Map<String, Integer> healthyOutcomes = new TreeMap<>();
        run.finals().stream().filter(e -> !e.id().contains("stall"))
                .forEach(e -> healthyOutcomes.merge(e.state() + (e.classes().isEmpty() ? "" : " " + e.classes()), 1, Integer::sum));
        long spurious = run.finals().stream().filter(e -> !e.id().contains("stall") && !e.state().equals("delivered")).count();
        System.out.printf("%s: all %d ended in %.1f s; healthy outcomes %s; spurious failures %d (target 0)%n", name,
                run.finals().size(), run.seconds(), healthyOutcomes, spurious);
        System.out.printf("%s: every ct/rt/tt timer that fired, lateness measured on the event loop"
                + " (dispatcher_timer_lateness_seconds): %s (target p99 < 50 ms)%n", name, run.timerLateness());
        List<ResultEvent.Attempt> stalls = run.attempts().stream().filter(e -> e.id().contains("stall")).toList();
        if (!stalls.isEmpty()) {
            long[] lateness = stalls.stream().filter(e -> e.outcome().equals("rt")).mapToLong(e -> e.durationMs() - 1000).toArray();
            Percentiles p = new Percentiles(lateness, lateness.length);
            System.out.printf("%s: rt=1000 attempts, duration minus rt (includes waiting for a connect slot and the"
                    + " connect): n=%d (other outcomes %d) p50=%d ms p99=%d ms max=%d ms%n", name, p.count(), stalls.size() - lateness.length, p.at(50), p.at(99), p.at(100));
        }
    }

    private static List<ResultEvent> events(String bootstrap) throws IOException {
        List<ResultEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : TopicContents.readAll(bootstrap, Topics.RESULTS)) {
            events.add(RecordJson.read(record.value(), ResultEvent.class));
        }
        return events;
    }

    private static JobRecord job(String id, String url) {
        return JobRecord.builder(id, url, Region.FRANKFURT.wireName()).params(Map.of("CallUUID", id)).build();
    }

    /** Reads a child's output on a thread of its own, so that it never blocks on a full pipe. */
    static void drain(Process process, java.util.function.Consumer<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }


    /** A copy of EmbeddedKafkaExtension's: that class is a JUnit extension, which the bench jar does not carry. */
    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static Process start(Class<?> main, String readyPrefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Ctrl-C on the benchmark must not leave receivers or brokers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith(readyPrefix)) {
            process.destroyForcibly();
            throw new IllegalStateException(main.getSimpleName() + " did not start: " + line);
        }
        return process;
    }
}
