package dev.edgedispatcher.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on loopback, written on plain sockets so that it can misbehave exactly:
 * answer late, stall or break a body, reset. It records every request with its arrival time, in
 * the manner of OkHttp's MockWebServer. Behaviour is set per path as a script: the n-th request to
 * a path gets the n-th step (the last step repeats).
 */
final class RecordingServer implements AutoCloseable {

    /** One received request. */
    record Received(String method, String target, Map<String, String> headers, byte[] body, long arrivedNanos) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }
    }

    /** How to answer one request. */
    interface Step {
        void answer(OutputStream out, Socket socket) throws IOException, InterruptedException;
    }

    static Step status(int code) {
        return (out, socket) -> write(out, "HTTP/1.1 " + code + " X\r\nContent-Length: 2\r\n\r\nok");
    }

    static Step delayThen(long millis, Step step) {
        return (out, socket) -> {
            Thread.sleep(millis);
            step.answer(out, socket);
        };
    }

    /** Headers and part of the body, then silence for {@code millis}. */
    static Step stallBody(int code, long millis) {
        return (out, socket) -> {
            write(out, "HTTP/1.1 " + code + " X\r\nContent-Length: 100\r\n\r\n0123456789");
            Thread.sleep(millis);
        };
    }

    /** Headers and part of the body, then a TCP reset. */
    static Step resetMidBody(int code) {
        return (out, socket) -> {
            write(out, "HTTP/1.1 " + code + " X\r\nContent-Length: 100\r\n\r\n0123456789");
            Thread.sleep(20);
            socket.setSoLinger(true, 0);
            socket.close();
        };
    }

    /** A body that trickles: a chunk every {@code gapMillis}, {@code chunks} times. */
    static Step dribble(int chunks, long gapMillis) {
        return (out, socket) -> {
            write(out, "HTTP/1.1 200 X\r\nContent-Length: " + chunks + "\r\n\r\n");
            for (int i = 0; i < chunks; i++) {
                Thread.sleep(gapMillis);
                write(out, "x");
            }
        };
    }

    /** Reads the request, then closes the connection without a byte of answer (a server dropping a kept-alive connection). */
    static Step closeSilently() {
        return (out, socket) -> socket.close();
    }

    static Step redirect() {
        return (out, socket) -> write(out, "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger maxOpenConnections = new AtomicInteger();

    RecordingServer() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** Bound to {@code address}: the wildcard address answers on every 127.x.y.z (distinct destinations). */
    RecordingServer(InetAddress address) throws IOException {
        server = new ServerSocket(0, 1000, address);
        threads.execute(this::acceptLoop);
    }

    /** Connections open to this server now (a script that writes into a closed one ends with it). */
    int openConnections() {
        return openConnections.get();
    }

    /** The most connections that were open to this server at once. */
    int maxOpenConnections() {
        return maxOpenConnections.get();
    }


    int port() {
        return server.getLocalPort();
    }

    /** A URL of this server: on its address, or on 127.0.0.1 when it listens on every address. */
    String url(String pathAndQuery) {
        InetAddress bound = server.getInetAddress();
        String host = bound.isAnyLocalAddress() ? "127.0.0.1" : bound.getHostAddress();
        return "http://" + host + ":" + port() + pathAndQuery;
    }

    /** Answer requests to {@code path} with these steps in turn (the last one repeats). */
    RecordingServer on(String path, Step... steps) {
        scripts.put(path, List.of(steps));
        return this;
    }

    List<Received> received() {
        return Collections.unmodifiableList(new ArrayList<>(received));
    }

    List<Received> received(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    private void acceptLoop() {
        while (open) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        maxOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (open) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                long arrived = System.nanoTime();
                Map<String, String> headers = new TreeMap<>();
                for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                String[] parts = requestLine.split(" ");
                Received request = new Received(parts[0], parts[1], headers, body, arrived);
                received.add(request);
                List<Step> script = scripts.getOrDefault(request.path(), List.of(status(200)));
                int n = counts.computeIfAbsent(request.path(), p -> new AtomicInteger()).getAndIncrement();
                script.get(Math.min(n, script.size() - 1)).answer(out, socket);
                if (socket.isClosed()) {
                    return;
                }
            }
        } catch (SocketException e) {
            // client went away
        } catch (IOException | InterruptedException e) {
            // test over
        } finally {
            openConnections.decrementAndGet();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
