package dev.edgedispatcher.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.callback.AttemptBudget;
import dev.edgedispatcher.callback.FailureClass;
import dev.edgedispatcher.callback.internal.HttpUrlParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docs/callbacks.md, "Sharing a worker": a tenant with wildcard DNS (every name, one address) gets
 * no more attempts at once to that address than the per-address cap, however many host names it
 * uses. A name server answering every name with 127.0.0.6 and a receiver there that never answers:
 * 16 attempts to 16 names, with a cap of 4, overlap at the receiver 4 at a time, not 16.
 */
class AddressCapTest {

    private static final int CAP = 4;
    private static final int NAMES = 16;
    /** A connection closed this soon after another was accepted is not counted as overlapping it. */
    private static final long HAND_OVER_SLACK_MS = 100;

    private record Connection(long openedMs, long closedMs) {
    }

    @Test
    void manyHostNamesOfOneAddressShareItsCap() throws Exception {
        InetAddress target = InetAddress.getByName("127.0.0.6");
        Vertx vertx = Vertx.vertx();
        List<Connection> connections = new CopyOnWriteArrayList<>();
        try (WildcardDns dns = new WildcardDns(target);
                ServerSocket silent = new ServerSocket(0, 100, target);
                DestinationResolver resolver = new DestinationResolver(new SingletonDnsServerAddressStreamProvider(
                        dns.address()), Duration.ofSeconds(2))) {
            Thread acceptor = new Thread(() -> acceptAndHold(silent, connections), "silent-receiver");
            acceptor.setDaemon(true);
            acceptor.start();
            HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions());
            HttpAttempt http = new HttpAttempt(vertx, client, new DestinationGuard(List.of(Cidr.parse("127.0.0.0/8"))),
                    new ConnectionPools(vertx, ConnectionLimits.DEFAULTS, 1), CAP, new SimpleMeterRegistry(), resolver);
            Context loop = vertx.getOrCreateContext();
            List<Future<AttemptResult>> attempts = new ArrayList<>();
            for (int i = 0; i < NAMES; i++) {
                OutgoingRequest request = new OutgoingRequest("GET", HttpUrlParser.parse("http://tenant-" + i
                        + ".wild.test:" + silent.getLocalPort() + "/hook").orElseThrow(), new byte[0], Optional.empty(),
                        Map.of());
                Promise<AttemptResult> done = Promise.promise();
                loop.runOnContext(run -> http.execute(request, Map.of(), 1, new AttemptBudget(1000, 1000,
                        OptionalLong.of(10_000))).onComplete(done));
                attempts.add(done.future());
            }
            List<AttemptResult> results = new ArrayList<>();
            for (Future<AttemptResult> attempt : attempts) {
                results.add(attempt.await(20, TimeUnit.SECONDS));
            }
            Thread.sleep(300); // the last connections' closes reach the receiver
            int most = mostAtOnce(connections);
            System.out.printf("%d attempts to %d names of one address: %d connections, at most %d at once%n",
                    NAMES, NAMES, connections.size(), most);
            assertThat(results).allSatisfy(result -> assertThat(result.failure()).contains(FailureClass.RT));
            assertThat(connections).as("connections the receiver accepted").hasSize(NAMES);
            assertThat(most).as("connections open at once to the one address").isEqualTo(CAP);
            http.close();
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** The most connections open at one time, a close within the slack of an accept not overlapping it. */
    private static int mostAtOnce(List<Connection> connections) {
        int most = 0;
        for (Connection one : connections) {
            long at = one.openedMs();
            int open = 0;
            for (Connection other : connections) {
                if (other.openedMs() <= at && other.closedMs() > at + HAND_OVER_SLACK_MS) {
                    open++;
                }
            }
            most = Math.max(most, open);
        }
        return most;
    }

    /** Accepts connections, reads and never answers; records when each opened and closed. */
    private static void acceptAndHold(ServerSocket server, List<Connection> connections) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                long opened = System.currentTimeMillis();
                Thread reader = new Thread(() -> {
                    try (socket; InputStream in = socket.getInputStream()) {
                        byte[] buffer = new byte[4096];
                        while (in.read(buffer) >= 0) {
                            // a request, never answered
                        }
                    } catch (IOException closed) {
                        // reset by the client
                    }
                    connections.add(new Connection(opened, System.currentTimeMillis()));
                });
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A name server that answers every A query with one address, and every other query with no answer. */
    private static final class WildcardDns implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        private final byte[] answer;

        WildcardDns(InetAddress address) throws IOException {
            this.answer = address.getAddress();
            Thread thread = new Thread(this::serve, "wildcard-dns");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
        }

        private void serve() {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                    socket.receive(query);
                    byte[] reply = reply(query.getData(), query.getLength());
                    socket.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** The query's id and question, and for an A question one answer pointing at the question's name. */
        private byte[] reply(byte[] query, int length) {
            int end = 12;
            while (query[end] != 0) {
                end += (query[end] & 0xff) + 1;
            }
            end += 1; // the root label
            int type = ((query[end] & 0xff) << 8) | (query[end + 1] & 0xff);
            end += 4; // type and class
            boolean a = type == 1;
            byte[] reply = new byte[end + (a ? 16 : 0)];
            System.arraycopy(query, 0, reply, 0, end);
            reply[2] = (byte) 0x81; // a response, recursion desired
            reply[3] = (byte) 0x80; // recursion available, no error
            reply[4] = 0;
            reply[5] = 1; // one question
            reply[6] = 0;
            reply[7] = (byte) (a ? 1 : 0);
            reply[8] = 0;
            reply[9] = 0;
            reply[10] = 0;
            reply[11] = 0; // no additional records (the query's EDNS record is dropped)
            if (a) {
                byte[] record = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, answer[0], answer[1], answer[2], answer[3]};
                System.arraycopy(record, 0, reply, end, record.length);
            }
            return reply;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
