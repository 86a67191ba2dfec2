package dev.edgedispatcher.bench;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.TopicLayout;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.AttemptBudget;
import dev.edgedispatcher.callback.HttpUrl;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.WorkerService;
import dev.edgedispatcher.worker.delivery.AttemptResult;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.DestinationGuard;
import dev.edgedispatcher.worker.delivery.HttpAttempt;
import dev.edgedispatcher.worker.delivery.OutgoingRequest;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import dev.edgedispatcher.worker.delivery.ConnectionLimits;
import dev.edgedispatcher.worker.delivery.ConnectionPools;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Worker delivery on one machine, loopback only, in one run (issue: edge workers):
 * (a) end-to-end deliveries per second (job published to the region topic -> 200-OK receiver) next
 * to the raw ceiling of the same Vert.x HTTP client, same concurrency, same receiver;
 * (b) p50/p99 latency from submit to arrival at a steady rate (open loop);
 * (c) healthy-endpoint throughput while 20% of destinations stall, as a ratio of the all-healthy run;
 * (d) how late rt timers fire with 10,000 requests pending (stalling receiver in its own process).
 *
 * <p>Run: {@code scripts/bench-system delivery [jobs]}.
 */
public final class DeliveryBenchmark {

    private static final int CONCURRENCY = 256;
    private static final int WORKER_EVENT_LOOPS = Integer.parseInt(System.getenv().getOrDefault("WORKER_EVENT_LOOPS", "1"));

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        System.out.printf("# delivery benchmark: %d jobs per throughput phase, per-destination concurrency %d, worker event loops %d%n",
                jobs, CONCURRENCY, WORKER_EVENT_LOOPS);
        Path dataDir = Files.createTempDirectory("delivery-bench");
        Vertx receiverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Receivers receivers = Receivers.start(receiverVertx, 10);
        Process stall = startStallServer(41000, 42);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(bootstrap)))) {
                new TopicProvisioner(admin).ensure(TopicLayout.DEFAULT, Duration.ofSeconds(60));
            }
            WorkerConfig config = WorkerConfig.defaults(bootstrap, Set.of(Region.FRANKFURT), Accounts.withDefault("bench"),
                    List.of(Cidr.parse("127.0.0.0/8"))).withMaxInFlight(100_000).withMaxConnectionsPerDestination(CONCURRENCY)
                    // The broker, the job producer and the receivers need the other core of this box.
                    .withEventLoops(WORKER_EVENT_LOOPS);
            try (WorkerService workers = WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(patientProducer(bootstrap))) {
                // Warm-up: JIT, connections, consumer assignment.
                rawCeiling(receivers.url(0, "/warm"), jobs / 5);
                endToEnd(producer, receivers, jobs / 5, 1, "warm");

                double ceiling = rawCeiling(receivers.url(0, "/raw"), jobs);
                double e2e = endToEnd(producer, receivers, jobs, 1, "a");
                System.out.printf("(a) raw HTTP ceiling, same client: %,.0f req/s%n", ceiling);
                System.out.printf("(a) end to end (publish -> arrival): %,.0f deliveries/s = %.2f of the ceiling (target >= 0.30)%n",
                        e2e, e2e / ceiling);

                latency(producer, receivers, 1000, 15);

                double healthy = endToEnd(producer, receivers, jobs, 10, "c-healthy");
                double withStalls = withStalls(producer, receivers, jobs);
                System.out.printf("(c) all 10 destinations healthy: %,.0f deliveries/s; 2 of 10 stalling: %,.0f healthy deliveries/s"
                        + " = %.2f (target >= 0.90)%n", healthy, withStalls, withStalls / healthy);
            }
            timerLateness(100);
            timerLateness(10_000);
        } finally {
            stall.destroyForcibly();
            receiverVertx.close();
        }
        System.exit(0);
    }

    private static Map<String, Object> patientProducer(String bootstrap) {
        Map<String, Object> props = KafkaClientSettings.producer(KafkaConnection.plaintext(bootstrap), "bench-jobs");
        props.put("delivery.timeout.ms", 120_000);
        props.put("request.timeout.ms", 30_000);
        props.put("max.block.ms", 60_000);
        return props;
    }

    private static JobRecord job(String id, String url, long sentNanos) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("CallUUID", id);
        params.put("From", "+14155550100");
        params.put("To", "+4930123456");
        params.put("sent_ns", Long.toString(sentNanos));
        return JobRecord.builder(id, url, Region.FRANKFURT.wireName()).params(params).build();
    }

    private static void publish(KafkaProducer<String, byte[]> producer, JobRecord job) {
        producer.send(new ProducerRecord<>(Topics.region(Region.FRANKFURT), job.kafkaKey(), RecordJson.write(job)), (m, e) -> {
            if (e != null) {
                throw new IllegalStateException("bench publish failed", e);
            }
        });
    }

    /** The same client settings as the worker, {@code CONCURRENCY} requests kept outstanding. */
    private static double rawCeiling(String url, int requests) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(CONCURRENCY + 16));
        HttpUrl target = dev.edgedispatcher.callback.FragmentParser.parse(url, "answer_url").orElseThrow().url();
        byte[] body = "CallUUID=raw&From=%2B14155550100&To=%2B4930123456&sent_ns=0".getBytes(StandardCharsets.UTF_8);
        AtomicInteger started = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(requests);
        long start = System.nanoTime();
        List<Context> contexts = dev.edgedispatcher.worker.EventLoopContexts.create(vertx, WORKER_EVENT_LOOPS);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.getAndIncrement() >= requests) {
                return;
            }
            client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host()).setPort(target.port())
                            .setURI("/raw").putHeader("content-type", "application/x-www-form-urlencoded"))
                    .compose(request -> request.send(Buffer.buffer(body)))
                    .compose(response -> response.body())
                    .onComplete(result -> {
                        done.countDown();
                        next[0].run();
                    });
        };
        // As many requests outstanding as the worker's bulkhead allows, spread over both event loops.
        for (int i = 0; i < CONCURRENCY; i++) {
            contexts.get(i % contexts.size()).runOnContext(go -> next[0].run());
        }
        done.await(300, TimeUnit.SECONDS);
        double rate = requests / ((System.nanoTime() - start) / 1e9);
        client.close();
        vertx.close();
        return rate;
    }

    /** Publishes {@code jobs} jobs round-robin over {@code destinations} receivers; deliveries/s until all arrived. */
    private static double endToEnd(KafkaProducer<String, byte[]> producer, Receivers receivers, int jobs, int destinations,
            String prefix) throws Exception {
        long before = receivers.arrivals(prefix);
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            publish(producer, job(prefix + "-" + i, receivers.url(i % destinations, "/" + prefix), 0));
        }
        producer.flush();
        receivers.await(prefix, before + jobs, Duration.ofSeconds(300));
        return jobs / ((System.nanoTime() - start) / 1e9);
    }

    private static double withStalls(KafkaProducer<String, byte[]> producer, Receivers receivers, int jobs) throws Exception {
        int healthyJobs = 0;
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            int destination = i % 10;
            String url = destination < 8
                    ? receivers.url(destination, "/c-stall")
                    : "http://" + StallServer.address(destination) + ":" + (41000 + destination) + "/stall#rt=2000&rc=0";
            healthyJobs += destination < 8 ? 1 : 0;
            publish(producer, job("c-stall-" + i, url, 0));
        }
        producer.flush();
        receivers.await("c-stall", healthyJobs, Duration.ofSeconds(300));
        return healthyJobs / ((System.nanoTime() - start) / 1e9);
    }

    private static void latency(KafkaProducer<String, byte[]> producer, Receivers receivers, int rate, int seconds)
            throws Exception {
        int total = rate * seconds;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < total; i++) {
            int n = i;
            long scheduled = start + n * period;
            ticker.schedule(() -> publish(producer, job("b-" + n, receivers.url(0, "/b"), scheduled)),
                    scheduled - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        ticker.shutdown();
        ticker.awaitTermination(seconds + 30, TimeUnit.SECONDS);
        producer.flush();
        receivers.await("b", total, Duration.ofSeconds(60));
        Percentiles p = receivers.latencies();
        System.out.printf("(b) submit -> arrival at %d jobs/s for %d s (open loop, from scheduled send): n=%d p50=%.2f ms "
                + "p99=%.2f ms p99.9=%.2f ms max=%.2f ms (target p99 < 20 ms)%n", rate, seconds, p.count(), p.at(50) / 1000.0,
                p.at(99) / 1000.0, p.at(99.9) / 1000.0, p.at(100) / 1000.0);
    }

    /** {@code pending} attempts at once against receivers that never answer; lateness of each rt=1000 ms timer. */
    private static void timerLateness(int pending) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions());
        HttpAttempt attempt = new HttpAttempt(vertx, client, new DestinationGuard(List.of(Cidr.parse("127.0.0.0/8"))),
                new ConnectionPools(vertx, new ConnectionLimits(pending + 16, pending + 16, 4000), 2), pending + 16,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        long[] lateness = new long[pending];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong neverSent = new AtomicLong();
        CountDownLatch done = new CountDownLatch(pending);
        List<Context> contexts = dev.edgedispatcher.worker.EventLoopContexts.create(vertx, 2);
        for (int i = 0; i < pending; i++) {
            int port = 41000 + i % 40;
            String host = StallServer.address(i % 40);
            HttpUrl url = new HttpUrl("http://" + host + ":" + port + "/stall", "http", host, port);
            OutgoingRequest request = new OutgoingRequest("POST", url, "a=1".getBytes(StandardCharsets.UTF_8),
                    Optional.of("application/x-www-form-urlencoded"), Map.of());
            contexts.get(i % contexts.size()).runOnContext(go -> attempt.execute(request, Map.of(), 1,
                    new AttemptBudget(10_000, 1000, OptionalLong.empty())).onComplete(result -> {
                        AttemptResult r = result.result();
                        if (r.sentAfterMs() >= 0 && r.outcome().equals("rt")) {
                            lateness[recorded.getAndIncrement()] = r.durationMs() - r.sentAfterMs() - 1000;
                        } else {
                            neverSent.incrementAndGet();
                        }
                        done.countDown();
                    }));
        }
        done.await(120, TimeUnit.SECONDS);
        Percentiles p = new Percentiles(lateness, recorded.get());
        System.out.printf("(d) rt=1000 ms timers with %,d requests pending: n=%d (other outcomes %d) lateness p50=%d ms p99=%d ms"
                + " max=%d ms (target p99 < 50 ms)%n", pending, p.count(), neverSent.get(), p.at(50), p.at(99), p.at(100));
        client.close();
        vertx.close();
    }

    private static Process startStallServer(int firstPort, int count) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), StallServer.class.getName(), String.valueOf(firstPort),
                String.valueOf(count)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("stalling")) {
            throw new IllegalStateException("stall server did not start: " + line);
        }
        return process;
    }

    /** 200-OK receivers on their own event loop; they count arrivals per path and time those carrying sent_ns. */
    /** Each receiver on its own loopback address: a worker caps jobs per host, whatever the port. */
    static String receiverAddress(int index) {
        return "127.0.1." + (1 + index);
    }

    static final class Receivers {
        private final List<HttpServer> servers;
        private final Map<String, AtomicLong> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
        private final long[] latencyMicros = new long[1_000_000];
        private final AtomicInteger latencyCount = new AtomicInteger();

        private Receivers(List<HttpServer> servers) {
            this.servers = servers;
        }

        static Receivers start(Vertx vertx, int count) throws Exception {
            List<HttpServer> servers = new ArrayList<>();
            Receivers[] self = new Receivers[1];
            for (int i = 0; i < count; i++) {
                servers.add(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                    long now = System.nanoTime();
                    String path = request.path().substring(1);
                    self[0].arrivals.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
                    if (path.equals("b")) {
                        String text = body.toString(StandardCharsets.UTF_8);
                        int at = text.indexOf("sent_ns=");
                        long sent = Long.parseLong(text.substring(at + 8).split("&")[0]);
                        self[0].latencyMicros[self[0].latencyCount.getAndIncrement()] = (now - sent) / 1000;
                    }
                    request.response().end("ok");
                })).listen(0, receiverAddress(servers.size())).await(10, TimeUnit.SECONDS));
            }
            self[0] = new Receivers(servers);
            return self[0];
        }

        String url(int index, String path) {
            return "http://" + receiverAddress(index) + ":" + servers.get(index).actualPort() + path;
        }

        long arrivals(String path) {
            AtomicLong count = arrivals.get(path);
            return count == null ? 0 : count.get();
        }

        void await(String path, long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (arrivals(path) < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(path + ": " + arrivals(path) + " of " + count + " arrived in " + timeout);
                }
                Thread.sleep(2);
            }
        }

        Percentiles latencies() {
            return new Percentiles(latencyMicros, latencyCount.get());
        }
    }

}
