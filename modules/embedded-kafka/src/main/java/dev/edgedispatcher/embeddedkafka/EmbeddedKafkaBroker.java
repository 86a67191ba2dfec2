package dev.edgedispatcher.embeddedkafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (combined KRaft broker + controller) running inside this JVM, from
 * Maven Central artifacts alone. Its data lives in a directory that survives restarts: starting
 * again on the same directory brings back every topic and record.
 *
 * <p>This wraps Kafka's internal server API ({@code KafkaRaftServer}, {@code StorageTool}); it is
 * the only class that touches it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;
    private final Map<String, String> adminProperties;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, String bootstrapServers,
            Map<String, String> adminProperties) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.adminProperties = adminProperties;
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} (formatted on first use), listening on
     * 127.0.0.1:{@code port} (0 picks a free port). Returns once the broker answers an admin request.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, null);
    }

    /**
     * Like {@link #start(Path, int)}, with the client listener secured as {@code security} says
     * (SASL_SSL, SCRAM-SHA-512, ACLs) when it is not null; the controller listener stays PLAINTEXT
     * on loopback.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, SaslSslListener security) throws IOException {
        Files.createDirectories(dataDir);
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Path logDir = dataDir.resolve("kraft-logs");
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // Topics are created explicitly, never by a producer racing the metadata (FACTS.md).
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // After a kill -9 the restarted broker must wait until its old registration's session
                // expires before it may register again (9 s by default, ~13 s in all, seen here):
                // a single local node gains nothing from the wait, so keep it short.
                Map.entry("broker.session.timeout.ms", "2000"),
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)),
                // A local broker shares its machine (2 cores here) with everything else: Kafka's
                // defaults (8 request handlers, 3 network threads) only add switching.
                Map.entry("num.io.threads", "2"),
                Map.entry("num.network.threads", "2"),
                Map.entry("log.segment.bytes", String.valueOf(64 * 1024 * 1024))));
        Map<String, String> adminProperties = Map.of();
        if (security != null) {
            props.put("listeners", "SASL_SSL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort);
            props.put("inter.broker.listener.name", "SASL_SSL");
            props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
            props.putAll(security.brokerProperties());
            adminProperties = security.clientProperties(security.adminUser(), security.adminPassword());
        }
        formatIfNew(props, dataDir, logDir, security);

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir, bootstrap, adminProperties);
        try {
            broker.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("embedded Kafka broker ready on {} (data in {})", bootstrap, dataDir);
        return broker;
    }

    private static void formatIfNew(Properties props, Path dataDir, Path logDir, SaslSslListener security)
            throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = dataDir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(writer, "embedded Kafka broker (written for storage formatting)");
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"));
        if (security != null) {
            // KRaft keeps SCRAM users in its metadata: the first one must exist before the broker starts.
            args.addAll(java.util.List.of("--add-scram", "SCRAM-SHA-512=[name=" + security.adminUser() + ",password="
                    + security.adminPassword() + "]"));
        }
        int exit = StorageTool.execute(args.toArray(String[]::new), quiet);
        if (exit != 0) {
            throw new IOException("formatting the Kafka storage in " + logDir + " failed with exit code " + exit);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.putAll(adminProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("embedded Kafka broker on " + bootstrapServers
                                + " did not become ready within " + timeout, e);
                    }
                }
                sleep(100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    /** Client settings of a super user (empty for the plaintext broker): for admin clients of tests. */
    public Map<String, String> adminProperties() {
        return adminProperties;
    }

    /** {@code 127.0.0.1:PORT}, for clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker and waits until it has; the data directory is kept. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("embedded Kafka broker on {} stopped", bootstrapServers);
    }
}
