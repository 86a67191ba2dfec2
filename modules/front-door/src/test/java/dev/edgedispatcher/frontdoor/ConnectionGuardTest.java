package dev.edgedispatcher.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each deadline and the cap of {@link ConnectionGuard}, on a real Vert.x server and raw client sockets. */
@Timeout(30)
class ConnectionGuardTest {

    private static final FrontDoorLimits LIMITS = new FrontDoorLimits(Duration.ofMillis(500), Duration.ofMillis(800),
            Duration.ofMillis(700), 20);

    private Vertx vertx;
    private SimpleMeterRegistry metrics;
    private ConnectionGuard guard;
    private int port;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        metrics = new SimpleMeterRegistry();
        guard = new ConnectionGuard(LIMITS, metrics, "test");
        HttpServer server = guard.createServer(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
                request -> request.body().onSuccess(body -> request.response().end("ok " + body.length())));
        port = server.listen().await().actualPort();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(elapsedMs(started)).isBetween(400L, 2500L);
        }
        assertThat(timedOut("header")).isEqualTo(1);
    }

    @Test
    void headersDribbledByteByByteStillMeetTheHeaderDeadline() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            byte[] request = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
            try {
                for (byte b : request) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException closed) {
                // the server closed it while we were still sending: what we test
            }
            assertThat(readToEnd(socket)).isEmpty();
            assertThat(elapsedMs(started)).isLessThan(2500L);
        }
        assertThat(timedOut("header")).isEqualTo(1);
    }

    @Test
    void aBodyThatDoesNotArriveIsAnswered408AndClosed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nx")
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            String answer = readToEnd(socket);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"field\":\"body\"");
            assertThat(elapsedMs(started)).isBetween(700L, 2500L);
        }
        assertThat(timedOut("body")).isEqualTo(1);
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutAndServesUntilThen() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("ok 0");
                Thread.sleep(400); // below the idle timeout: the connection stays usable
            }
            long started = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(elapsedMs(started)).isBetween(100L, 2500L);
        }
        assertThat(timedOut("idle")).isEqualTo(1);
        assertThat(timedOut("header")).isZero();
    }

    @Test
    void connectionsPastTheCapAreClosedOnArrivalAndCounted() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMITS.maxConnections(); i++) {
                held.add(connect());
            }
            awaitOpen(LIMITS.maxConnections());
            try (Socket extra = connect()) {
                assertThat(extra.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(metrics.get("dispatcher_http_connections_refused").counter().count()).isEqualTo(1);
            assertThat(guard.open()).isEqualTo(LIMITS.maxConnections());
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        awaitOpen(0);
    }

    private void awaitOpen(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (guard.open() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(guard.open()).isEqualTo(expected);
    }

    private double timedOut(String reason) {
        return metrics.get("dispatcher_http_connections_timed_out").tag("reason", reason).counter().count();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static long elapsedMs(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static String readToEnd(Socket socket) throws IOException {
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within 5 s", e);
        }
    }

    /** One response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head.toString().split("\r\n")[0] + " " + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
