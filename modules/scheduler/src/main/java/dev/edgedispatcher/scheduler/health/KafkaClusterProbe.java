package dev.edgedispatcher.scheduler.health;

import dev.edgedispatcher.backbone.loop.Backoff;
import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers, asked every 2 s on a thread of its own (an Admin
 * {@code describeCluster} with a 2 s timeout), so that health probes read a cached answer and never
 * block. The first answer is awaited by {@link #start()}.
 */
public final class KafkaClusterProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterProbe.class);
    private static final int TIMEOUT_MS = 2000;

    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final String bootstrapServers;
    private final KafkaConnection kafka;
    private volatile String problem = "not asked yet";
    private volatile long lastAnswerNanos;
    private final long startedNanos = System.nanoTime();

    public KafkaClusterProbe(KafkaConnection kafka, String clientId) {
        this.kafka = kafka;
        this.bootstrapServers = kafka.bootstrapServers();
        Map<String, Object> props = KafkaClientSettings.admin(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        this.admin = Admin.create(props);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, clientId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Asks once (waiting for the answer), then every 2 s. */
    public KafkaClusterProbe start() {
        ask();
        timer.scheduleWithFixedDelay(this::ask, 2, 2, TimeUnit.SECONDS);
        return this;
    }

    private void ask() {
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
                    .get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS).size();
            if (nodes == 0) {
                throw new IllegalStateException("the cluster reports no broker");
            }
            if (problem != null && lastAnswerNanos != 0) {
                LOG.info("Kafka at {} answers again", bootstrapServers);
            }
            problem = null;
            lastAnswerNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            var denied = KafkaAccessDenied.of(e, "asking Kafka at " + bootstrapServers + " to describe the cluster");
            if (denied.isPresent()) {
                problem = denied.get().getMessage();
                kafka.accessDenied(denied.get());
                return;
            }
            String now = "Kafka at " + bootstrapServers + " does not answer: " + Backoff.describe(e);
            if (problem == null) {
                LOG.error(now);
            }
            problem = now;
        }
    }

    /** How long since the cluster last answered (since start when it never did). */
    public long silentForMs() {
        long since = lastAnswerNanos == 0 ? startedNanos : lastAnswerNanos;
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /** Null while the last answer came; else what went wrong. */
    public String problem() {
        return problem;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
