package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole system as `dispatcher up` runs it: submit over HTTP, delivery by the region workers, status back. */
class EndToEndTest {

    @TempDir
    static Path dataDir;
    private static LocalStack stack;
    private static HttpServer receiver;
    private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private static String server;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        receiver.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            int status = path.startsWith("/down") ? 500 : 200;
            exchange.sendResponseHeaders(status, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        receiver.start();
        stack = TestStacks.withWorkers(dataDir, "e2e");
        server = "http://127.0.0.1:" + stack.httpPort();
    }

    @AfterAll
    static void stop() {
        stack.close();
        receiver.stop(0);
    }

    private static String receiver(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }


    /** `dispatcher submit ... --server <the stack> --wait`. */
    private static CommandRun submit(String... args) {
        String[] full = new String[args.length + 4];
        full[0] = "submit";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--server";
        full[args.length + 2] = server;
        full[args.length + 3] = "--wait";
        return CommandRun.dispatcher(full);
    }

    /** submit --wait prints the accept document, then the final status document. */
    private static JsonNode finalStatus(CommandRun run) throws Exception {
        List<JsonNode> documents = run.documents();
        assertThat(documents).hasSize(2);
        return documents.get(1);
    }

    @Test
    void aJobIsDeliveredFromItsRegionAndItsStatusSaysSo() throws Exception {
        CommandRun run = submit(receiver("/ok") + "#er=mumbai", "--param", "CallUUID=e2e-1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode status = finalStatus(run);
        assertThat(status.get("state").asText()).isEqualTo("delivered");
        assertThat(status.get("region").asText()).isEqualTo("mumbai");
        assertThat(status.get("delivered_by").asText()).isEqualTo("primary");
        assertThat(status.at("/attempts/0/outcome").asText()).isEqualTo("ok");
        assertThat(status.at("/attempts/0/status").asInt()).isEqualTo(200);
        assertThat(hits.get("/ok").get()).isEqualTo(1);
    }

    @Test
    void theFallbackDeliversWhenThePrimaryFails() throws Exception {
        CommandRun run = submit(receiver("/down") + "#rc=0&er=frankfurt", "--fallback", receiver("/fallback"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode status = finalStatus(run);
        assertThat(status.get("delivered_by").asText()).isEqualTo("fallback");
        assertThat(status.at("/attempts/0/outcome").asText()).isEqualTo("5xx");
        assertThat(status.at("/attempts/1/outcome").asText()).isEqualTo("ok");
    }

    @Test
    void anUnreachableEndpointFailsAfterItsRetries() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CommandRun run = submit("http://127.0.0.1:" + closedPort + "/x#rc=1&er=singapore");
        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode status = finalStatus(run);
        assertThat(status.get("state").asText()).isEqualTo("failed");
        assertThat(status.get("attempts")).hasSize(2);
        assertThat(status.at("/attempts/1/outcome").asText()).isEqualTo("ct");
    }
}
