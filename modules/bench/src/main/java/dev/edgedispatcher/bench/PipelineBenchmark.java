package dev.edgedispatcher.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole pipeline as a user runs it (issue: whole-system throughput): {@code dispatcher up} in a
 * process of its own (embedded broker, scheduler, one worker per region), an nginx receiver in
 * processes of its own that answers 200 and logs every request, and {@code wrk} against that nginx
 * in the same run for the ceiling.
 *
 * <p>Method (issue 19's targets):
 * <ul>
 * <li>ceiling: {@code wrk -t2 -c64 -d10s} against the receiver (nginx, one worker process, its
 *     default unbuffered access log on, as for deliveries); then the floor: the open-loop client
 *     below at 500/s posting straight to nginx, before {@code up} starts;
 * <li>throughput: after a warm-up of 10,000 jobs, {@code jobs} jobs round-robin over the five
 *     regions ({@code er=<region>}) and over {@code destinations} loopback addresses of the receiver,
 *     through {@code POST /v1/jobs:batch} (1,000 per request, 4 client threads); deliveries/s from
 *     the first submit to the last arrival in nginx's log; the CPU of {@code up} and of its
 *     PostgreSQL over the phase (from /proc);
 * <li>after that burst: when the API first lists no job queued or in flight, and when {@code up}
 *     began a whole second under 0.1 core, both from the last delivery; the store sink's lag each
 *     second, and its time per batch writing and committing;
 * <li>latency: a second identical burst (under JFR with {@code PIPELINE_PROFILE=1}, split by thread
 *     group, {@link CpuSplit}), then right after its last delivery single {@code POST /v1/jobs} open
 *     loop at 500/s for 10 s, each job carrying its scheduled send time; latency is nginx's arrival
 *     time minus that time (1 ms resolution, nginx's {@code $msec}); {@code PIPELINE_PROFILE=singles}
 *     records this phase under JFR instead of the burst;
 * <li>timers: 20,000 jobs to nginx with 1,000 {@code rt=1000&rc=0} jobs mixed in for receivers that
 *     never answer ({@link StallServer}); lateness as the receiver sees it (first byte to close, less
 *     rt).
 * </ul>
 * <p>Scaling: with {@code worker-processes} N > 0, {@code up} runs {@code --no-workers} and N
 * {@code dispatcher worker} processes serve all five regions (each region's group has N members);
 * the CPU of every process is reported.
 *
 * <p>Args: dispatcher-jar [jobs] [destinations] [worker-processes, 0: in up] [extra args for up...].
 * Run: {@code scripts/bench-system pipeline}.
 */
public final class PipelineBenchmark {

    private static final String[] REGIONS = {"n_california", "n_virginia", "frankfurt", "singapore", "mumbai"};
    private static final int RECEIVER_PORT = 42800;
    private static final int HTTP_PORT = 42880;
    private static final int BATCH = 1000;

    public static void main(String[] args) throws Exception {
        // The scheduler closes a connection idle for 65 s; the JDK client keeps idle connections for
        // 1,200 s and fails a POST sent on one the server has just closed ("header parser received no
        // bytes"). As a load balancer would, the client lets them go first.
        System.setProperty("jdk.httpclient.keepalive.timeout", "30");
        Path jar = Path.of(args[0]);
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int destinations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int workerProcesses = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        List<String> upArgs = new ArrayList<>(args.length > 4 ? List.of(args).subList(4, args.length) : List.of());
        if (workerProcesses > 0) {
            upArgs.add("--no-workers");
        }
        Path work = Files.createTempDirectory("pipeline-bench");
        Path accessLog = work.resolve("access.log");
        Process nginx = Nginx.start(work, RECEIVER_PORT, accessLog);
        Process up = null;
        List<Process> workers = new ArrayList<>();
        try {
            double ceiling = wrkCeiling();
            ArrivalLog floorArrivals = new ArrivalLog(accessLog);
            // The floor: the same open-loop client at 500/s posting straight to nginx (no dispatcher).
            // The client warms up first (its classes load and compile in this JVM), then the floor is measured.
            openLoop(null, "http://127.0.0.1:" + RECEIVER_PORT + "/fwarm", null, "fwarm", 500, 2500);
            openLoop(null, "http://127.0.0.1:" + RECEIVER_PORT + "/f500", null, "f500", 500, 5000);
            floorArrivals.awaitCount("f500", 5000, Duration.ofMinutes(1));
            Percentiles floor = floorArrivals.latencies("f500");
            up = startUp(jar, work, upArgs);
            String bootstrap = Files.readString(work.resolve("data").resolve("kafka-bootstrap")).trim();
            for (int i = 0; i < workerProcesses; i++) {
                workers.add(startWorker(jar, work, bootstrap, i));
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + HTTP_PORT;
            ArrivalLog arrivals = new ArrivalLog(accessLog);
            System.out.printf("# pipeline: %,d jobs over 5 regions and %d destinations, batches of %d, 4 client threads;"
                    + " up args %s; up's JVM options [%s] (scripts/dispatcher's); %s%n", jobs, destinations, BATCH, upArgs,
                    launcherJavaOpts(), workerProcesses == 0
                            ? "workers in up" : workerProcesses + " worker processes, each serving all five regions");
            System.out.printf("ceiling (wrk -t2 -c64 -d10s on the receiver): %,.0f req/s%n", ceiling);
            System.out.printf("floor at 500/s (the same client posting straight to nginx, before up starts), scheduled send"
                    + " -> arrival: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms%n", floor.at(50) / 1000.0, floor.at(99) / 1000.0,
                    floor.at(99.9) / 1000.0);

            submitBatches(http, base, "w", 10_000, destinations);
            // The warm-up only warms: a few jobs failing while the JVM compiles (a connect timing out on a
            // saturated machine) are reported, not fatal; the measured phases must all arrive.
            try {
                arrivals.awaitCount("w", 10_000, Duration.ofMinutes(2));
            } catch (IllegalStateException e) {
                System.out.println("  warm-up: " + e.getMessage() + " (see up.log for their outcomes)");
            }
            System.out.printf("settled after the warm-up: %s%n", settle(up.pid()));
            // What up spends doing nothing (its broker's and Kafka clients' own idle loops), measured
            // here so that "idle after the burst" can be judged against this run's floor too.
            double idleFloor = idleFloor(up.pid());
            System.out.printf("up's idle floor: %.3f core (10 s, nothing submitted, nothing scraped)%n", idleFloor);

            SinkSteps sinkBefore = SinkSteps.scrape(http, base);
            long cpuBefore = ProcessCpu.millis(up.pid());
            // up's own job store, when it runs one (PostgreSQL's processes are not up's children).
            Path postgresData = work.resolve("data").resolve("postgres");
            boolean ownStore = Files.exists(postgresData.resolve("postmaster.pid"));
            long postgresBefore = ownStore ? PostgresCpu.millis(postgresData) : 0;
            long[] workerCpuBefore = new long[workers.size()];
            for (int i = 0; i < workers.size(); i++) {
                workerCpuBefore[i] = ProcessCpu.millis(workers.get(i).pid());
            }
            long startMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            double submitSeconds = submitBatches(http, base, "t", jobs, destinations);
            arrivals.awaitCount("t", jobs, Duration.ofMinutes(5));
            double lastArrival = arrivals.lastArrivalMillis("t");
            long cpu = ProcessCpu.millis(up.pid()) - cpuBefore;
            long postgres = ownStore ? PostgresCpu.millis(postgresData) - postgresBefore : 0;
            double seconds = (lastArrival - startMillis) / 1000.0;
            double rate = jobs / seconds;
            double wall = (System.nanoTime() - start) / 1e9;
            System.out.printf("throughput: %,d delivered in %.2f s (submission took %.2f s): %,.0f deliveries/s ="
                    + " %.3f of the ceiling%n", jobs, seconds, submitSeconds, rate, rate / ceiling);
            System.out.printf("  up process CPU over the phase: %.1f s = %.2f cores (wall %.1f s), %.0f us per job%n",
                    cpu / 1000.0, cpu / 1000.0 / wall, wall, cpu * 1000.0 / jobs);
            if (ownStore) {
                System.out.printf("  PostgreSQL (up's job store) CPU over the phase: %.1f s = %.2f cores, %.0f us per job;"
                        + " up and PostgreSQL together %.0f us per job%n", postgres / 1000.0, postgres / 1000.0 / wall,
                        postgres * 1000.0 / jobs, (cpu + postgres) * 1000.0 / jobs);
            }
            for (int i = 0; i < workers.size(); i++) {
                long used = ProcessCpu.millis(workers.get(i).pid()) - workerCpuBefore[i];
                System.out.printf("  worker process %d CPU over the phase: %.1f s = %.2f cores%n", i + 1, used / 1000.0,
                        used / 1000.0 / wall);
            }
            // After the burst: how long until every status is final through the API, and until up is idle.
            System.out.printf("after the burst's last delivery: %s (target: both within 5 s)%n",
                    finalAndIdle(http, base, up.pid(), lastArrival, idleFloor));
            System.out.println("  the store sink over the burst and after it: " + SinkSteps.scrape(http, base).since(sinkBefore));

            // A second burst, then single submissions at 500/s starting right after its last delivery.
            // With PIPELINE_PROFILE=1 this burst runs under JFR and its CPU split is printed.
            Path jfr = work.resolve("throughput.jfr");
            boolean profile = "1".equals(System.getenv("PIPELINE_PROFILE"));
            // PIPELINE_PROFILE=singles: JFR from here (starting it stalls up for seconds: not at the
            // phase's start), its samples counted from the single submissions' start.
            boolean profileSingles = "singles".equals(System.getenv("PIPELINE_PROFILE"));
            if (profile || profileSingles) {
                jcmd(up.pid(), "JFR.start", "name=bench", "settings=profile");
            }
            submitBatches(http, base, "p", jobs, destinations);
            arrivals.awaitCount("p", jobs, Duration.ofMinutes(5));
            if (profile) {
                jcmd(up.pid(), "JFR.stop", "name=bench", "filename=" + jfr);
            }
            int perSecond = 500;
            String phase = "l" + perSecond;
            int count = perSecond * 10;
            long gcLogBefore = Files.size(work.resolve("gc.log"));
            Map<Double, Double> publishBefore = histogram(http, base, "dispatcher_scheduler_publish_seconds_bucket");
            Map<Double, Double> pickupBefore = histogram(http, base, "dispatcher_pickup_delay_seconds_bucket");
            // Inside the scheduler: {label, histogram, labels}.
            List<String[]> stages = List.of(new String[] {"read", "dispatcher_submit_seconds_bucket", "stage=\"read\""},
                    new String[] {"accept", "dispatcher_submit_seconds_bucket", "stage=\"accept\""},
                    new String[] {"of which claim", "dispatcher_scheduler_claim_seconds_bucket", ""},
                    new String[] {"reply", "dispatcher_submit_seconds_bucket", "stage=\"reply\""});
            List<Map<Double, Double>> stagesBefore = new java.util.ArrayList<>();
            for (String[] stage : stages) {
                stagesBefore.add(histogram(http, base, stage[1], stage[2]));
            }
            java.time.Instant singlesFrom = java.time.Instant.now();
            Percentiles accepted = openLoop(http, base + "/v1/jobs", base, phase, perSecond, count);
            Map<Double, Double> publishAfter = histogram(http, base, "dispatcher_scheduler_publish_seconds_bucket");
            Map<Double, Double> pickupAfter = histogram(http, base, "dispatcher_pickup_delay_seconds_bucket");
            StringBuilder stagesSeen = new StringBuilder();
            for (int i = 0; i < stages.size(); i++) {
                Map<Double, Double> after = histogram(http, base, stages.get(i)[1], stages.get(i)[2]);
                stagesSeen.append(String.format("%s p50 <= %.1f ms, p99 <= %.1f ms; ", stages.get(i)[0],
                        bucketAt(stagesBefore.get(i), after, 0.50), bucketAt(stagesBefore.get(i), after, 0.99)));
            }
            arrivals.awaitCount(phase, count, Duration.ofMinutes(2));
            if (profileSingles) {
                jcmd(up.pid(), "JFR.stop", "name=bench", "filename=" + jfr);
                CpuSplit.print(jfr, singlesFrom);
                System.out.println("jfr: " + jfr);
            }
            Percentiles latencies = arrivals.latencies(phase);
            System.out.printf("latency at %,d/s right after a burst of %,d, %,d single POSTs, scheduled send -> arrival at"
                    + " nginx: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (target p99 <= 20 ms and <= floor + 10 ms)%n",
                    perSecond, jobs, count, latencies.at(50) / 1000.0, latencies.at(99) / 1000.0,
                    latencies.at(99.9) / 1000.0, latencies.at(100) / 1000.0);
            System.out.printf("  of which scheduled send -> 202 from the scheduler: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms%n",
                    accepted.at(50) / 1000.0, accepted.at(99) / 1000.0, accepted.at(99.9) / 1000.0);
            System.out.printf("  of which accept -> Kafka ack in the scheduler (its histogram, bucket bounds): p50 <= %.1f ms,"
                    + " p99 <= %.1f ms%n", bucketAt(publishBefore, publishAfter, 0.50), bucketAt(publishBefore, publishAfter, 0.99));
            System.out.println("  inside the scheduler, routed -> answered by stage (dispatcher_submit_seconds, bucket bounds): "
                    + stagesSeen);
            System.out.println("  " + GcPauses.since(work.resolve("gc.log"), gcLogBefore));
            if (workerProcesses == 0) {
                System.out.printf("  accept -> delivery starts in a worker (dispatcher_pickup_delay, bucket bounds): p50 <= %.1f ms,"
                        + " p99 <= %.1f ms%n", bucketAt(pickupBefore, pickupAfter, 0.50), bucketAt(pickupBefore, pickupAfter, 0.99));
            }
            if (profile) {
                CpuSplit.print(jfr);
                System.out.println("jfr: " + jfr);
            }
            if (workerProcesses == 0) {
                System.out.println(timersThroughUp(http, base, arrivals));
            }
        } finally {
            for (Process worker : workers) {
                worker.destroy();
                worker.waitFor(20, TimeUnit.SECONDS);
            }
            if (up != null) {
                up.destroy();
                up.waitFor(20, TimeUnit.SECONDS);
                up.destroyForcibly();
            }
            nginx.destroy(); // SIGTERM: the master stops its workers, then exits
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** Jobs submitted in batches by 4 threads; returns the seconds the submission took. */
    private static double submitBatches(HttpClient http, String base, String phase, int jobs, int destinations)
            throws Exception {
        return submitBatches(http, base, phase, jobs, i -> receiverUrl(phase, i, destinations) + "#er=" + REGIONS[i % REGIONS.length]);
    }

    /** As above, job i going to {@code urlOf.apply(i)} (fragment included). */
    private static double submitBatches(HttpClient http, String base, String phase, int jobs,
            java.util.function.IntFunction<String> urlOf) throws Exception {
        URI batchUri = URI.create(base + "/v1/jobs:batch");
        ExecutorService senders = Executors.newFixedThreadPool(4);
        long start = System.nanoTime();
        List<Future<?>> sent = new ArrayList<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int first = 0; first < jobs; first += BATCH) {
            int from = first;
            int count = Math.min(BATCH, jobs - first);
            sent.add(senders.submit(() -> {
                List<String> entries = new ArrayList<>(count);
                for (int i = from; i < from + count; i++) {
                    entries.add("{\"id\":\"" + phase + '-' + run + '-' + i + "\",\"url\":\"" + urlOf.apply(i)
                            + "\",\"params\":{\"CallUUID\":\"c-" + i + "\",\"Event\":\"hangup\"}}");
                }
                // As a client would: entries refused for now (in_doubt, store_unavailable, ...) are sent
                // again with the same id after a second; each refusal is counted and printed.
                for (int attempt = 0; !entries.isEmpty(); attempt++) {
                    if (attempt == 60) {
                        throw new IllegalStateException(entries.size() + " jobs still refused after 60 tries");
                    }
                    if (attempt > 0) {
                        Thread.sleep(1000);
                    }
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(batchUri)
                            .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", entries) + "]")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 200) {
                        REFUSALS.computeIfAbsent("batch " + answer.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        continue;
                    }
                    com.fasterxml.jackson.databind.JsonNode results = JSON.readTree(answer.body()).get("results");
                    List<String> again = new ArrayList<>();
                    for (int i = 0; i < results.size(); i++) {
                        if (results.get(i).has("error")) {
                            REFUSALS.computeIfAbsent(results.get(i).get("error").asText(), k -> new AtomicInteger())
                                    .incrementAndGet();
                            again.add(entries.get(i));
                        }
                    }
                    entries = again;
                }
                return null;
            }));
        }
        for (Future<?> batch : sent) {
            batch.get();
        }
        senders.shutdown();
        if (!REFUSALS.isEmpty()) {
            System.out.println("  " + phase + ": jobs refused for now and sent again with their id: " + REFUSALS);
            REFUSALS.clear();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Entries the scheduler refused for now and the benchmark sent again, by error (or batch status). */
    private static final java.util.Map<String, AtomicInteger> REFUSALS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String receiverUrl(String phase, int i, int destinations) {
        return "http://127.0.0." + (1 + i % destinations) + ":" + RECEIVER_PORT + "/" + phase + "/" + i;
    }

    /**
     * One {@code POST /v1/jobs} every 1/perSecond s, each sent at its scheduled time (late sends are
     * sent at once and keep their scheduled time: open loop); the scheduled time, in epoch
     * microseconds, travels in the destination's query string. The client is Vert.x's on one event
     * loop with keep-alive connections (up to {@value #OPEN_LOOP_CONNECTIONS}; a request waiting for
     * one keeps its scheduled time): the JDK's client, used before, returned from {@code sendAsync}
     * up to 130-210 ms late at p99 on this 2-core machine with nothing else running, which made it
     * unable to measure a 20 ms target. {@code http} reads the scheduler's counters when a
     * submission fails (with {@code dispatcher} set; else unused, and may be null).
     */
    private static Percentiles openLoop(HttpClient http, String target, String dispatcher, String phase, int perSecond,
            int count) throws Exception {
        long[] acceptedMicros = new long[count];
        long[] sentLateMicros = new long[count];
        URI uri = URI.create(target);
        long intervalNanos = 1_000_000_000L / perSecond;
        Instant epochStart = Instant.now().plusMillis(50);
        long startNanos = System.nanoTime() + 50_000_000L;
        long epochStartMicros = epochStart.getEpochSecond() * 1_000_000L + epochStart.getNano() / 1000;
        AtomicLong failed = new AtomicLong();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(count);
        java.util.Set<String> errors = java.util.concurrent.ConcurrentHashMap.newKeySet();
        String run = Long.toString(System.currentTimeMillis(), 36);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        try {
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setKeepAlive(true).setKeepAliveTimeout(30).setTcpNoDelay(true),
                    new io.vertx.core.http.PoolOptions().setHttp1MaxSize(OPEN_LOOP_CONNECTIONS));
            io.vertx.core.Context loop = vertx.getOrCreateContext();
            for (int i = 0; i < count; i++) {
                long due = startNanos + i * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > 200_000) {
                        Thread.sleep(0, (int) Math.min(wait - 100_000, 999_999));
                    } else {
                        Thread.onSpinWait();
                    }
                }
                long scheduledMicros = epochStartMicros + i * intervalNanos / 1000;
                String path = dispatcher != null ? uri.getPath() : uri.getPath() + "/" + i + "?s=" + scheduledMicros;
                String body = "{\"id\":\"" + phase + "-" + run + "-" + i + "\",\"url\":\"" + receiverUrl(phase, i, 10) + "?s="
                        + scheduledMicros + "#er=" + REGIONS[i % REGIONS.length] + "\",\"params\":{\"CallUUID\":\"c-" + i + "\"}}";
                int index = i;
                loop.runOnContext(go -> client.request(new io.vertx.core.http.RequestOptions()
                                .setMethod(io.vertx.core.http.HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort())
                                .setURI(path).putHeader("content-type", "application/json"))
                        .compose(request -> request.send(body))
                        .compose(response -> response.body().map(response.statusCode()))
                        .onComplete(result -> {
                            acceptedMicros[index] = (System.nanoTime() - due) / 1000;
                            if (result.failed() || result.result() != 202 && result.result() != 200) {
                                failed.incrementAndGet();
                                errors.add(result.failed() ? result.cause().toString() : "status " + result.result());
                            }
                            done.countDown();
                        }));
                sentLateMicros[i] = (System.nanoTime() - due) / 1000;
            }
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(done.getCount() + " single submits unanswered after 60 s");
            }
        } finally {
            vertx.close().await();
        }
        if (failed.get() > 0) {
            // Say whether the scheduler's front door closed connections (its cap, or a request too slow).
            if (dispatcher != null) {
                System.out.printf("  %s: front door connections open %.0f, refused %.0f, timed out %.0f%n", phase,
                        gauge(http, dispatcher, "dispatcher_http_connections_open"),
                        gauge(http, dispatcher, "dispatcher_http_connections_refused_total"),
                        gauge(http, dispatcher, "dispatcher_http_connections_timed_out_total"));
            }
            throw new IllegalStateException(failed.get() + " single submits failed at " + perSecond + "/s: " + errors);
        }
        Percentiles sentLate = new Percentiles(sentLateMicros, count);
        System.out.printf("  %s: the client handed each request over after its scheduled send by p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", phase, sentLate.at(50) / 1000.0, sentLate.at(99) / 1000.0, sentLate.at(100) / 1000.0);
        StringBuilder bySecond = new StringBuilder();
        for (int from = 0; from < count; from += perSecond) {
            Percentiles second = new Percentiles(java.util.Arrays.copyOfRange(acceptedMicros, from, Math.min(count, from + perSecond)),
                    Math.min(perSecond, count - from));
            bySecond.append(String.format(" %.0f/%.0f", second.at(50) / 1000.0, second.at(99) / 1000.0));
        }
        System.out.printf("  %s: scheduled send -> answer by second of the phase, p50/p99 ms:%s%n", phase, bySecond);
        return new Percentiles(acceptedMicros, count);
    }

    /** Connections the open-loop client may hold: 500/s at up to a second each, with room. */
    private static final int OPEN_LOOP_CONNECTIONS = 1024;

    /**
     * From the burst's last delivery ({@code lastArrivalMillis}, nginx's clock = this machine's): when
     * the API first lists no job queued or in flight, when {@code up} began a whole second under 0.1
     * core, and when it began a whole second at most 0.05 core above {@code floor}, its idle CPU
     * measured before the burst (CPU sampled every 100 ms). The sink's lag is scraped each second
     * only until every status is final and the lag is 0: a scrape of /metrics costs up ~20 ms of
     * CPU, which would itself hold it above 0.1 core. Gives up after 60 s.
     */
    private static String finalAndIdle(HttpClient http, String base, long pid, double lastArrivalMillis, double floor)
            throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        double finalAt = Double.NaN;
        double idleFrom = Double.NaN;
        double atFloorFrom = Double.NaN;
        java.util.ArrayDeque<long[]> window = new java.util.ArrayDeque<>(); // {epoch ms, cpu ms}
        StringBuilder sinkLag = new StringBuilder();
        double lastLag = Double.NaN;
        int samples = 0;
        while (System.currentTimeMillis() < deadline && (Double.isNaN(finalAt) || Double.isNaN(idleFrom)
                || Double.isNaN(atFloorFrom))) {
            long now = System.currentTimeMillis();
            window.addLast(new long[] {now, ProcessCpu.millis(pid)});
            while (window.size() > 11) {
                window.removeFirst();
            }
            long usedMs = window.size() == 11 ? window.peekLast()[1] - window.peekFirst()[1] : Long.MAX_VALUE;
            if (Double.isNaN(idleFrom) && usedMs < 100) {
                idleFrom = window.peekFirst()[0];
            }
            if (Double.isNaN(atFloorFrom) && usedMs <= (floor + 0.05) * 1000) {
                atFloorFrom = window.peekFirst()[0];
            }
            if (Double.isNaN(finalAt) && notFinal(http, base, "queued") == 0 && notFinal(http, base, "in_flight") == 0) {
                finalAt = System.currentTimeMillis();
            }
            if (samples++ % 10 == 0 && (Double.isNaN(finalAt) || lastLag != 0)) {
                lastLag = gauge(http, base, "dispatcher_store_sink_lag_records");
                sinkLag.append(sinkLag.length() == 0 ? "" : " ").append(String.format("%.0f", lastLag));
            }
            Thread.sleep(Math.max(0, now + 100 - System.currentTimeMillis()));
        }
        return String.format("every status final through the API %s; up idle (a whole second under 0.1 core) from %s;"
                + " back at its idle floor (a whole second under %.3f core) from %s"
                + "%n  the store sink's lag (records) each second from the last delivery, until final and 0: %s",
                after(finalAt, lastArrivalMillis), after(idleFrom, lastArrivalMillis), floor + 0.05,
                after(atFloorFrom, lastArrivalMillis), sinkLag);
    }

    private static String after(double at, double lastArrivalMillis) {
        return Double.isNaN(at) ? "NOT within 60 s" : String.format("%.1f s after it", Math.max(0, at - lastArrivalMillis) / 1000);
    }

    /** The sink's step timers ({@code dispatcher_store_sink_step_seconds}): count and seconds of each step. */
    private record SinkSteps(double writes, double writeSeconds, double commits, double commitSeconds) {

        static SinkSteps scrape(HttpClient http, String base) throws Exception {
            String text = metrics(http, base);
            String name = "dispatcher_store_sink_step_seconds";
            return new SinkSteps(zeroIfNone(sum(text, name + "_count{step=\"write\"")),
                    zeroIfNone(sum(text, name + "_sum{step=\"write\"")), zeroIfNone(sum(text, name + "_count{step=\"commit\"")),
                    zeroIfNone(sum(text, name + "_sum{step=\"commit\"")));
        }

        private static double zeroIfNone(double value) {
            return Double.isNaN(value) ? 0 : value;
        }

        String since(SinkSteps before) {
            return step("write", writes - before.writes, writeSeconds - before.writeSeconds)
                    + step("commit", commits - before.commits, commitSeconds - before.commitSeconds);
        }

        private static String step(String step, double count, double seconds) {
            return String.format("%s %,.0f batches, %.1f s (%.1f ms each); ", step, count, seconds,
                    count == 0 ? 0 : seconds * 1000 / count);
        }
    }

    private static String metrics(HttpClient http, String base) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The sum of the series on {@code text} (Prometheus text) whose line starts with {@code prefix}; NaN when none. */
    private static double sum(String text, String prefix) {
        double sum = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum = Double.isNaN(sum) ? value : sum + value;
            }
        }
        return sum;
    }

    /** The sum of a Prometheus gauge's series on /metrics (NaN when it has none). */
    private static double gauge(HttpClient http, String base, String name) throws Exception {
        String text = metrics(http, base);
        double plain = sum(text, name + " ");
        double labelled = sum(text, name + "{");
        return Double.isNaN(plain) ? labelled : Double.isNaN(labelled) ? plain : plain + labelled;
    }

    /** How many jobs the first page of {@code GET /v1/jobs?state=...} lists (0 or 1). */
    private static int notFinal(HttpClient http, String base, String state) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs?state=" + state + "&limit=1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            return 1; // not answered: not known to be final
        }
        return JSON.readTree(answer.body()).get("jobs").size();
    }

    /**
     * The timer precision of docs/callbacks.md through {@code up}: 20,000 jobs to nginx with 1,000
     * {@code rt=1000&rc=0} jobs mixed in (every 21st) for receivers that read the request and never
     * answer ({@link StallServer}, 10 ports); lateness = what the receiver saw from the request's
     * first byte to the worker's close, minus 1,000 ms.
     */
    private static String timersThroughUp(HttpClient http, String base, ArrivalLog arrivals) throws Exception {
        int stallPort = 41500;
        Process stall = BacklogBenchmark.start(StallServer.class, "stalling", String.valueOf(stallPort), "10", "report");
        try {
            List<Long> closedAfter = java.util.Collections.synchronizedList(new ArrayList<>());
            BacklogBenchmark.drain(stall, line -> {
                if (line.startsWith("closed ")) {
                    closedAfter.add(Long.parseLong(line.substring(7)));
                }
            });
            int healthy = 20_000;
            int total = healthy + healthy / 20;
            java.util.function.IntFunction<String> urlOf = i -> {
                String region = REGIONS[i % REGIONS.length];
                if (i % 21 == 20) {
                    int port = (i / 21) % 10;
                    return "http://" + StallServer.address(port) + ":" + (stallPort + port) + "/stall#rc=0&rt=1000&er=" + region;
                }
                return receiverUrl("s", i, 10) + "#er=" + region;
            };
            submitBatches(http, base, "s", total, urlOf);
            arrivals.awaitCount("s", healthy, Duration.ofMinutes(3));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (closedAfter.size() < total - healthy && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            long[] lateness = closedAfter.stream().mapToLong(ms -> ms - 1000).toArray();
            Percentiles seen = new Percentiles(lateness, lateness.length);
            // The worker's own view: how late its timers fired on the event loop (only these fire in
            // this phase: nginx answers every other request), against what the receiver saw.
            String text = metrics(http, base);
            return String.format("timers through up: %,d rt=1000&rc=0 jobs to never-answering receivers among %,d to nginx;"
                    + " closed by the worker after rt + p50 %d ms, p99 %d ms, max %d ms (n=%d; target p99 <= 50 ms);"
                    + " fired on the event loop late by p50 %.0f ms, p99 %.0f ms, max %.0f ms (dispatcher_timer_lateness_seconds,"
                    + " last 2 minutes)",
                    total - healthy, healthy, seen.at(50), seen.at(99), seen.at(100), seen.count(),
                    1000 * sum(text, "dispatcher_timer_lateness_seconds{quantile=\"0.5\""),
                    1000 * sum(text, "dispatcher_timer_lateness_seconds{quantile=\"0.99\""),
                    1000 * sum(text, "dispatcher_timer_lateness_seconds_max"));
        } finally {
            stall.destroyForcibly();
        }
    }

    /** up's CPU over 10 s with nothing submitted or scraped, in cores. */
    private static double idleFloor(long pid) throws Exception {
        long before = ProcessCpu.millis(pid);
        long start = System.nanoTime();
        Thread.sleep(10_000);
        return (ProcessCpu.millis(pid) - before) / ((System.nanoTime() - start) / 1e6);
    }

    /**
     * Waits (up to 30 s) until the process used under 0.2 core over a whole second (its idle floor,
     * Kafka's own loops, is above 0.1 core); says how long that took.
     */
    private static String settle(long pid) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
            long before = ProcessCpu.millis(pid);
            Thread.sleep(1000);
            if (ProcessCpu.millis(pid) - before < 200) {
                return String.format("up quiet (< 0.2 core) after %.0f s", (System.nanoTime() - start) / 1e9);
            }
        }
        return "up still busy after 30 s";
    }

    /** Cumulative bucket counts of a Prometheus histogram on /metrics, by upper bound in seconds. */
    private static Map<Double, Double> histogram(HttpClient http, String base, String name) throws Exception {
        return histogram(http, base, name, "");
    }

    /** As {@link #histogram(HttpClient, String, String)}, of the series whose labels hold {@code labels}. */
    private static Map<Double, Double> histogram(HttpClient http, String base, String name, String labels) throws Exception {
        String text = metrics(http, base);
        Map<Double, Double> buckets = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labels)) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                buckets.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return buckets;
    }

    /** The upper bound (ms) of the bucket holding the given quantile of what was recorded between two scrapes. */
    private static double bucketAt(Map<Double, Double> before, Map<Double, Double> after, double quantile) {
        double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        for (Map.Entry<Double, Double> bucket : after.entrySet()) {
            if (bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0) >= quantile * total) {
                return bucket.getKey() * 1000.0;
            }
        }
        return Double.NaN;
    }

    private static double wrkCeiling() throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c64", "-d10s", "http://127.0.0.1:" + RECEIVER_PORT + "/wrk")
                .redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        wrk.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith("Requests/sec:")) {
                return Double.parseDouble(line.substring("Requests/sec:".length()).trim());
            }
        }
        throw new IllegalStateException("wrk printed no rate: " + out);
    }

    /**
     * The JVM options {@code scripts/dispatcher up} gives {@code up} here: DISPATCHER_JAVA_OPTS when
     * set (even empty), else C1 only on a machine of 1-2 cores (the launcher's rule).
     */
    static String launcherJavaOpts() {
        String opts = System.getenv("DISPATCHER_JAVA_OPTS");
        if (opts != null) {
            return opts.trim();
        }
        return Runtime.getRuntime().availableProcessors() <= 2 ? "-XX:TieredStopAtLevel=1" : "";
    }

    private static Process startUp(Path jar, Path work, List<String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String opts = launcherJavaOpts();
        if (!opts.isBlank()) {
            command.addAll(List.of(opts.trim().split("\\s+")));
        }
        // GC pauses stop every thread of up (broker, scheduler, workers): logged to relate them to latency tails.
        command.add("-Xlog:gc:file=" + work.resolve("gc.log") + ":uptime");
        command.addAll(List.of("-jar", jar.toString(), "up", "--port", String.valueOf(HTTP_PORT), "--data-dir",
                work.resolve("data").toString()));
        command.addAll(extra);
        Process up = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("up.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(up::destroyForcibly));
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!up.isAlive()) {
                throw new IllegalStateException("up exited: " + Files.readString(work.resolve("up.log")));
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + HTTP_PORT + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return up;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("up was not ready within 120 s: " + Files.readString(work.resolve("up.log")));
    }

    private static Process startWorker(Path jar, Path work, String bootstrap, int index) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "worker", "--bootstrap", bootstrap, "--metrics-port", "-1",
                "--allow-destination", "127.0.0.0/8"));
        for (String region : REGIONS) {
            command.addAll(List.of("--region", region));
        }
        Path log = work.resolve("worker-" + index + ".log");
        Process worker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(worker::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("assigned")) {
            if (!worker.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + index + " did not start: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return worker;
    }

    static void jcmd(long pid, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        command.addAll(List.of(args));
        Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", args) + ": " + out);
        }
    }

    /** nginx answering 200 to everything and logging {@code $msec $request_uri}, in processes of its own. */
    static final class Nginx {
        static Process start(Path work, int port, Path accessLog) throws Exception {
            try (java.net.Socket busy = new java.net.Socket("127.0.0.1", port)) {
                throw new IllegalStateException("port " + port + " is taken (an nginx left from an earlier run?)");
            } catch (java.net.ConnectException free) {
                // as it should be
            }
            Files.createDirectories(work.resolve("nginx-tmp"));
            Path conf = work.resolve("nginx.conf");
            Files.writeString(conf, String.join("\n",
                    "worker_processes 1;",
                    "pid " + work.resolve("nginx.pid") + ";",
                    "error_log " + work.resolve("nginx-error.log") + " warn;",
                    "events { worker_connections 16384; }",
                    "http {",
                    "  log_format bench '$msec $request_uri';",
                    "  access_log " + accessLog + " bench;",
                    "  client_body_temp_path " + work.resolve("nginx-tmp") + ";",
                    "  client_body_buffer_size 64k;",
                    "  keepalive_requests 1000000;",
                    "  keepalive_timeout 60s;",
                    "  server {",
                    "    listen " + port + " backlog=8192;",
                    "    location / { return 200 'ok'; }",
                    "  }",
                    "}", ""));
            Process nginx = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", work.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(nginx::destroyForcibly));
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 100; i++) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return nginx;
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            throw new IllegalStateException("nginx did not start: " + Files.readString(work.resolve("nginx.out")));
        }
    }

    /** Reads nginx's access log as it grows: arrivals per phase, their last time, and latencies. */
    static final class ArrivalLog {
        private final Path file;
        private long read;
        private final Map<String, PhaseArrivals> phases = new java.util.HashMap<>();
        private final StringBuilder partial = new StringBuilder();

        ArrivalLog(Path file) {
            this.file = file;
        }

        void awaitCount(String phase, int count, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (phase(phase).count < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + phase(phase).count + " of " + count + " jobs of phase " + phase
                            + " arrived within " + timeout);
                }
                Thread.sleep(20);
                readNew();
            }
        }

        double lastArrivalMillis(String phase) {
            return phase(phase).lastMillis;
        }

        Percentiles latencies(String phase) {
            long[] micros = phase(phase).latenciesMicros.stream().mapToLong(Long::longValue).toArray();
            return new Percentiles(micros, micros.length);
        }

        private PhaseArrivals phase(String name) {
            return phases.computeIfAbsent(name, n -> new PhaseArrivals());
        }

        private void readNew() throws IOException {
            try (var channel = java.nio.channels.FileChannel.open(file)) {
                long size = channel.size();
                if (size <= read) {
                    return;
                }
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - read, 64 << 20));
                channel.read(buffer, read);
                read += buffer.position();
                partial.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            }
            int lineStart = 0;
            int newline;
            while ((newline = partial.indexOf("\n", lineStart)) >= 0) {
                parse(partial.substring(lineStart, newline));
                lineStart = newline + 1;
            }
            partial.delete(0, lineStart);
        }

        private void parse(String line) {
            // "1764550000.123 /t/42" or "/l500/7?s=1764550000123456"
            int space = line.indexOf(' ');
            int slash = line.indexOf('/', space + 2);
            if (space < 0 || slash < 0) {
                return;
            }
            double millis = Double.parseDouble(line.substring(0, space)) * 1000.0;
            PhaseArrivals arrivals = phase(line.substring(space + 2, slash));
            arrivals.count++;
            arrivals.lastMillis = Math.max(arrivals.lastMillis, millis);
            int scheduled = line.indexOf("?s=");
            if (scheduled > 0) {
                long micros = Long.parseLong(line.substring(scheduled + 3));
                arrivals.latenciesMicros.add(Math.round(millis * 1000.0) - micros);
            }
        }

        private static final class PhaseArrivals {
            int count;
            double lastMillis;
            final List<Long> latenciesMicros = new ArrayList<>();
        }
    }

    /** The GC pauses of up logged since an offset of its -Xlog:gc file. */
    static final class GcPauses {
        static String since(Path log, long offset) throws IOException {
            String text;
            try (var channel = java.nio.channels.FileChannel.open(log)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.max(0, channel.size() - offset));
                channel.read(buffer, offset);
                text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            }
            List<Double> pauses = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.contains(" Pause ") && line.endsWith("ms")) {
                    pauses.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1, line.length() - 2)));
                }
            }
            double total = pauses.stream().mapToDouble(Double::doubleValue).sum();
            double max = pauses.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            return String.format("GC pauses of up during the phase: %d, %.0f ms in all, longest %.1f ms", pauses.size(),
                    total, max);
        }
    }

    /** CPU time of a process so far, from /proc/PID/stat (user + system, clock ticks of 10 ms). */
    static final class ProcessCpu {
        static long millis(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        }
    }
}
