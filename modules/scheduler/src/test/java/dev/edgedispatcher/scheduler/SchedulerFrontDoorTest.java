package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.frontdoor.FrontDoorLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hostile network at the scheduler's front door (docs/operations.md): thousands of connections
 * that send nothing, half their headers, headers and no body, or one byte of a 100 kB body are all
 * closed by the server within their deadline, while {@code /health} and real submissions keep
 * answering.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SchedulerFrontDoorTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(3);
    private static final int PER_KIND = 750;
    /** How late after its deadline a close may be seen, on 2 busy cores. */
    private static final long SLACK_MS = 2500;

    enum Kind {
        NOTHING(""),
        HALF_HEADERS("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: appl"),
        HEADERS_NO_BODY("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"),
        ONE_BYTE_OF_BODY("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");

        final String sent;

        Kind(String sent) {
            this.sent = sent;
        }

        long deadlineMs() {
            return this == NOTHING || this == HALF_HEADERS ? HEADER_TIMEOUT.toMillis() : BODY_TIMEOUT.toMillis();
        }
    }

    /** One hostile connection: what it sent, when, and when the server closed it. */
    static final class Hostile {
        final Kind kind;
        final SocketChannel channel;
        long sentAtNanos;
        long closedAtNanos = -1;
        final StringBuilder received = new StringBuilder();

        Hostile(Kind kind, SocketChannel channel) {
            this.kind = kind;
            this.channel = channel;
        }
    }

    @Test
    @Timeout(60)
    void slowAndHalfSentRequestsAreClosedInTimeWhileHealthAndSubmissionsKeepAnswering() throws Exception {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FrontDoorLimits limits = new FrontDoorLimits(HEADER_TIMEOUT, BODY_TIMEOUT, Duration.ofSeconds(2), 10_000);
        try (SchedulerService scheduler = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(TestStores.fresh()).withPort(0).withFrontDoor(limits), metrics);
                Selector selector = Selector.open()) {
            String base = "http://127.0.0.1:" + scheduler.port();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<Long> latenciesMs = Collections.synchronizedList(new ArrayList<>());
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean probing = new AtomicBoolean(true);
            Thread prober = new Thread(() -> probe(client, base, probing, latenciesMs, failures), "front-door-prober");

            List<Hostile> hostile = new ArrayList<>();
            try {
                prober.start();
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", scheduler.port());
                for (int i = 0; i < PER_KIND; i++) {
                    for (Kind kind : Kind.values()) {
                        SocketChannel channel = SocketChannel.open(address);
                        Hostile connection = new Hostile(kind, channel);
                        channel.write(ByteBuffer.wrap(kind.sent.getBytes(StandardCharsets.US_ASCII)));
                        connection.sentAtNanos = System.nanoTime();
                        channel.configureBlocking(false);
                        channel.register(selector, SelectionKey.OP_READ, connection);
                        hostile.add(connection);
                    }
                }
                long openedAll = System.nanoTime();
                awaitClosedByServer(selector, hostile, openedAll + TimeUnit.MILLISECONDS.toNanos(BODY_TIMEOUT.toMillis() + SLACK_MS + 1000));
                // Probe a little after the last close too.
                Thread.sleep(500);
            } finally {
                probing.set(false);
                prober.join(10_000);
                for (Hostile connection : hostile) {
                    connection.channel.close();
                }
            }

            Map<Kind, Integer> open = new EnumMap<>(Kind.class);
            Map<Kind, Long> latestMs = new EnumMap<>(Kind.class);
            Map<Kind, Long> earliestMs = new EnumMap<>(Kind.class);
            for (Hostile connection : hostile) {
                if (connection.closedAtNanos < 0) {
                    open.merge(connection.kind, 1, Integer::sum);
                    continue;
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(connection.closedAtNanos - connection.sentAtNanos);
                latestMs.merge(connection.kind, ms, Math::max);
                earliestMs.merge(connection.kind, ms, Math::min);
            }
            System.out.printf("front door: closed after (ms) earliest %s latest %s; still open %s; probes %d, worst %d ms%n",
                    earliestMs, latestMs, open, latenciesMs.size(), latenciesMs.stream().mapToLong(Long::longValue).max().orElse(-1));
            assertThat(open).as("connections the server did not close").isEmpty();
            for (Kind kind : Kind.values()) {
                // Not before the deadline (a Vert.x timer may fire a few ms early), not long after.
                assertThat(earliestMs.get(kind)).as("earliest close of %s", kind).isGreaterThanOrEqualTo(kind.deadlineMs() - 50);
                assertThat(latestMs.get(kind)).as("latest close of %s", kind).isLessThanOrEqualTo(kind.deadlineMs() + SLACK_MS);
            }
            for (Hostile connection : hostile) {
                if (connection.kind == Kind.HEADERS_NO_BODY || connection.kind == Kind.ONE_BYTE_OF_BODY) {
                    assertThat(connection.received.toString()).startsWith("HTTP/1.1 408");
                } else {
                    assertThat(connection.received.toString()).isEmpty();
                }
            }
            assertThat(counter(metrics, "header")).isEqualTo(2.0 * PER_KIND);
            assertThat(counter(metrics, "body")).isEqualTo(2.0 * PER_KIND);

            assertThat(failures).as("health checks and submissions that failed").isEmpty();
            assertThat(latenciesMs.size()).as("probes answered").isGreaterThanOrEqualTo(20);
            List<Long> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            assertThat(sorted.get(sorted.size() / 2)).as("median probe latency (ms)").isLessThan(250);
            assertThat(sorted.get(sorted.size() - 1)).as("worst probe latency (ms)").isLessThan(2000);
        }
    }

    private static double counter(PrometheusMeterRegistry metrics, String reason) {
        return metrics.get("dispatcher_http_connections_timed_out").tag("server", "scheduler").tag("reason", reason)
                .counter().count();
    }

    /** Reads every connection until the server closes it (EOF or reset) or the deadline passes. */
    private static void awaitClosedByServer(Selector selector, List<Hostile> hostile, long deadlineNanos) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        int closed = 0;
        while (closed < hostile.size() && System.nanoTime() < deadlineNanos) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Hostile connection = (Hostile) key.attachment();
                buffer.clear();
                int read;
                try {
                    read = connection.channel.read(buffer);
                } catch (IOException reset) {
                    read = -1;
                }
                if (read > 0) {
                    connection.received.append(new String(buffer.array(), 0, read, StandardCharsets.US_ASCII));
                } else if (read < 0) {
                    connection.closedAtNanos = System.nanoTime();
                    key.cancel();
                    closed++;
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** Every 100 ms: GET /health and POST /v1/jobs, each must answer (200, 202). */
    private static void probe(HttpClient client, String base, AtomicBoolean probing, List<Long> latenciesMs, List<String> failures) {
        while (probing.get()) {
            try {
                long started = System.nanoTime();
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                if (health.statusCode() != 200) {
                    failures.add("GET /health: " + health.statusCode() + " " + health.body());
                }
                started = System.nanoTime();
                HttpResponse<String> submit = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
                        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(
                                "{\"id\": \"fd-" + UUID.randomUUID() + "\", \"url\": \"https://example.com/cb#er=mumbai\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                if (submit.statusCode() != 202) {
                    failures.add("POST /v1/jobs: " + submit.statusCode() + " " + submit.body());
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                failures.add(e.toString());
            }
        }
    }
}
