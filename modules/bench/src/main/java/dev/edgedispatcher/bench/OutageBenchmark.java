package dev.edgedispatcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A region outage under traffic, measured (docs/regions.md; issue #18). frankfurt runs on a Kafka
 * cluster of its own ({@code dispatcher broker}), everything else on {@code up --no-workers
 * --topology}'s embedded broker; one worker process serves frankfurt, another the four other
 * regions; a receiver in this JVM counts each {@code webhook-id}.
 *
 * <p>Method: 100 jobs/s for the whole run, in turn {@code er=local} of media server
 * {@code ms-frankfurt-1}, {@code er=frankfurt}, and {@code er=local} of {@code ms-n_virginia-1}
 * (a control). After 20 s frankfurt's worker is killed (SIGKILL); 30 s later it is started again;
 * 30 s after it has joined its group, frankfurt's broker is killed (SIGKILL); 30 s later it is
 * started again on the same data and port; 30 s after it serves, traffic stops and every accepted
 * job is awaited (up to 120 s). Times are from each event to the send time of the first job that
 * answered differently; "moved" counts local frankfurt jobs with {@code failover_from}; "not
 * delivered" is accepted minus delivered at the end.
 *
 * <p>Args: dispatcher-jar.
 */
public final class OutageBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RATE_PER_SECOND = 100;

    /** One submission and what became of it. */
    private record Sent(String id, String kind, long sentNanos, int status, String region, boolean movedFrom) {
    }

    private OutageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createTempDirectory("outage-bench");
        int brokerPort = freePort();
        int httpPort = freePort();
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (id != null) {
                received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

        Process broker = start(work, "broker-1", jar, "broker", "--data-dir", work.resolve("fra").toString(), "--kafka-port",
                String.valueOf(brokerPort));
        awaitLine(work.resolve("broker-1.log"), "kafka bootstrap:", broker);
        Path topology = work.resolve("topology.json");
        Files.writeString(topology, "{\"regions\": {\"frankfurt\": {\"bootstrap\": \"127.0.0.1:" + brokerPort + "\"}}}");
        Process up = start(work, "up", jar, "up", "--no-workers", "--topology", topology.toString(), "--port",
                String.valueOf(httpPort), "--data-dir", work.resolve("data").toString());
        awaitLine(work.resolve("up.log"), "ready:", up);
        String home = Files.readString(work.resolve("data").resolve("kafka-bootstrap")).trim();
        Process others = start(work, "workers-home", jar, "worker", "--bootstrap", home, "--region", "n_california", "--region",
                "n_virginia", "--region", "singapore", "--region", "mumbai", "--allow-destination", "127.0.0.0/8",
                "--metrics-port", "-1");
        Process fra = start(work, "worker-fra-1", jar, "worker", "--bootstrap", home, "--topology", topology.toString(),
                "--region", "frankfurt", "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1");
        awaitLine(work.resolve("workers-home.log"), "worker: regions", others);
        awaitLine(work.resolve("worker-fra-1.log"), "worker: regions", fra);
        Thread.sleep(5000); // the group joined, region health asked

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicInteger counter = new AtomicInteger();
        long t0 = System.nanoTime();
        ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
        traffic.scheduleAtFixedRate(() -> {
            int n = counter.getAndIncrement();
            String kind = switch (n % 3) {
                case 0 -> "local-frankfurt";
                case 1 -> "explicit-frankfurt";
                default -> "local-n_virginia";
            };
            String id = "outage-" + n;
            String body = switch (kind) {
                case "local-frankfurt" -> "{\"id\": \"" + id + "\", \"url\": \"" + hook + "#er=local\", \"media_server\": \"ms-frankfurt-1\"}";
                case "explicit-frankfurt" -> "{\"id\": \"" + id + "\", \"url\": \"" + hook + "#er=frankfurt\"}";
                default -> "{\"id\": \"" + id + "\", \"url\": \"" + hook + "#er=local\", \"media_server\": \"ms-n_virginia-1\"}";
            };
            long at = System.nanoTime();
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/jobs"))
                    .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            sent.add(new Sent(id, kind, at, -1, null, false));
                            return;
                        }
                        String region = null;
                        boolean moved = false;
                        try {
                            JsonNode answer = JSON.readTree(response.body());
                            region = answer.path("region").asText(null);
                            moved = answer.path("resolution").has("failover_from");
                        } catch (IOException e) {
                            // not JSON: counted by status only
                        }
                        sent.add(new Sent(id, kind, at, response.statusCode(), region, moved));
                    });
        }, 0, 1_000_000 / RATE_PER_SECOND, TimeUnit.MICROSECONDS);

        // Each phase lasts 30 s after its event has taken effect (a restarted process has joined), so
        // that a slow start on a loaded machine does not end a phase before it began.
        Thread.sleep(20_000);
        long workerKilled = System.nanoTime();
        fra.destroyForcibly().waitFor();
        Thread.sleep(30_000);
        long workerStarted = System.nanoTime();
        fra = start(work, "worker-fra-2", jar, "worker", "--bootstrap", home, "--topology", topology.toString(), "--region",
                "frankfurt", "--allow-destination", "127.0.0.0/8", "--metrics-port", "-1");
        awaitLine(work.resolve("worker-fra-2.log"), "", fra, "assigned");
        long workerJoined = System.nanoTime();
        Thread.sleep(30_000);
        long brokerKilled = System.nanoTime();
        broker.destroyForcibly().waitFor();
        Thread.sleep(30_000);
        long brokerStarted = System.nanoTime();
        broker = start(work, "broker-2", jar, "broker", "--data-dir", work.resolve("fra").toString(), "--kafka-port",
                String.valueOf(brokerPort));
        awaitLine(work.resolve("broker-2.log"), "kafka bootstrap:", broker);
        long brokerServing = System.nanoTime();
        Thread.sleep(30_000);
        traffic.shutdown();
        traffic.awaitTermination(10, TimeUnit.SECONDS);
        Thread.sleep(3000); // the last answers
        List<String> accepted = sent.stream().filter(s -> s.status() == 202).map(Sent::id).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !received.keySet().containsAll(accepted)) {
            Thread.sleep(500);
        }

        System.out.printf("restarts: frankfurt's worker joined its group %d ms after it was started; the broker served %d ms"
                + " after it was started%n", (workerJoined - workerStarted) / 1_000_000, (brokerServing - brokerStarted) / 1_000_000);
        System.out.printf("sent %d jobs at %d/s; accepted %d, refused %d (503), failed to send %d%n", sent.size(),
                RATE_PER_SECOND, accepted.size(), sent.stream().filter(s -> s.status() == 503).count(),
                sent.stream().filter(s -> s.status() == -1).count());
        report("frankfurt's worker killed", sent, workerKilled, workerStarted);
        report("frankfurt's worker joined again", sent, workerJoined, brokerKilled);
        report("frankfurt's broker killed", sent, brokerKilled, brokerStarted);
        report("frankfurt's broker serving again", sent, brokerServing, Long.MAX_VALUE);
        long delivered = accepted.stream().filter(received::containsKey).count();
        long twice = received.values().stream().filter(n -> n.get() > 1).count();
        System.out.printf("delivered %d of %d accepted (not delivered %d), webhook-ids delivered more than once: %d%n", delivered,
                accepted.size(), accepted.size() - delivered, twice);
        Map<String, Sent> byId = new java.util.HashMap<>();
        sent.forEach(s -> byId.put(s.id(), s));
        Map<String, Long> undeliveredByState = new java.util.TreeMap<>();
        for (String id : accepted.stream().filter(id -> !received.containsKey(id)).toList()) {
            String state;
            String detail = "";
            try {
                JsonNode status = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/v1/jobs/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body());
                state = status.path("state").asText("unknown");
                detail = status.path("reason").asText(status.path("last_outcome").asText(""));
            } catch (IOException e) {
                state = "unreadable";
            }
            if (undeliveredByState.merge(state, 1L, Long::sum) <= 3) {
                System.out.printf("  not received: %s (%s, region %s, sent at %d ms): state %s %s%n", id, byId.get(id).kind(),
                        byId.get(id).region(), (byId.get(id).sentNanos() - t0) / 1_000_000, state, detail);
            }
        }
        System.out.println("  not received, by the job's state: " + undeliveredByState);
        Map<String, Long> twiceByKind = new java.util.TreeMap<>();
        received.forEach((id, n) -> {
            if (n.get() > 1 && byId.containsKey(id)) {
                twiceByKind.merge(byId.get(id).kind() + " in " + byId.get(id).region(), 1L, Long::sum);
            }
        });
        System.out.println("  delivered more than once, by kind: " + twiceByKind);
        for (Process process : List.of(fra, others, up, broker)) {
            process.destroy();
        }
        for (Process process : List.of(fra, others, up, broker)) {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        receiver.stop(0);
        System.exit(0);
    }

    /** What the jobs sent in [from, to) were answered: times to the first change, counts per kind. */
    private static void report(String event, List<Sent> all, long from, long to) {
        List<Sent> window = new ArrayList<>(all.stream().filter(s -> s.sentNanos() >= from && s.sentNanos() < to).toList());
        window.sort((a, b) -> Long.compare(a.sentNanos(), b.sentNanos()));
        List<Sent> local = window.stream().filter(s -> s.kind().equals("local-frankfurt")).toList();
        List<Sent> explicit = window.stream().filter(s -> s.kind().equals("explicit-frankfurt")).toList();
        List<Sent> control = window.stream().filter(s -> s.kind().equals("local-n_virginia")).toList();
        long firstMoved = local.stream().filter(Sent::movedFrom).mapToLong(Sent::sentNanos).findFirst().orElse(-1);
        long firstHome = local.stream().filter(s -> s.status() == 202 && "frankfurt".equals(s.region()))
                .mapToLong(Sent::sentNanos).findFirst().orElse(-1);
        System.out.printf("%s: local frankfurt jobs: %d sent, %d moved (first moved after %s), %d kept frankfurt (first after"
                        + " %s), %d refused; explicit frankfurt jobs: %d accepted (waiting while down), %d refused; control"
                        + " n_virginia: %d of %d accepted%n",
                event, local.size(), local.stream().filter(Sent::movedFrom).count(), ms(firstMoved, from),
                local.stream().filter(s -> s.status() == 202 && "frankfurt".equals(s.region())).count(), ms(firstHome, from),
                local.stream().filter(s -> s.status() != 202).count(), explicit.stream().filter(s -> s.status() == 202).count(),
                explicit.stream().filter(s -> s.status() != 202).count(), control.stream().filter(s -> s.status() == 202).count(),
                control.size());
    }

    private static String ms(long at, long from) {
        return at < 0 ? "never" : ((at - from) / 1_000_000) + " ms";
    }

    private static Process start(Path work, String name, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log")
                .toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    private static void awaitLine(Path log, String prefix, Process process) throws Exception {
        awaitLine(log, prefix, process, "");
    }

    /** Waits for a line starting with {@code prefix} and containing {@code part}. */
    private static void awaitLine(Path log, String prefix, Process process, String part) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).stream().anyMatch(line -> line.startsWith(prefix)
                    && line.contains(part))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(log + ": exited before \"" + prefix + "\": " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(log + ": no \"" + prefix + "\" within 120 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
