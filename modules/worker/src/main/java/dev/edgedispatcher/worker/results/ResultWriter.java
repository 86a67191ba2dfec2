package dev.edgedispatcher.worker.results;

import dev.edgedispatcher.backbone.AckedProducer;
import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.health.ComponentStatus;
import dev.edgedispatcher.backbone.health.HealthComponent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes result events and dead letters through an {@link AckedProducer} (never blocking the
 * calling event loop). Every send's error is handled: a started event that fails is logged; attempt
 * events, final outcomes and dead letters are retried with backoff until Kafka acknowledges them,
 * and a job's final outcome is written only after its attempt events; the job's offset is
 * committed only after that.
 */
public final class ResultWriter implements AutoCloseable, HealthComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ResultWriter.class);

    private final AckedProducer producer;
    private final KafkaConnection kafka;
    /** The writer's own thread: retries after a backoff, and outcome log lines (off the event loops). */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "result-writer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    private volatile String lastFailure;
    private volatile String deniedBecause;
    /** Succeeded attempts waiting for their job's final event, which carries them: bounded by the jobs in flight. */
    private final Map<String, ResultEvent.Attempt> lastAttempts = new ConcurrentHashMap<>();
    /** Attempt events not yet acknowledged, by job id: bounded by the jobs in flight. */
    private final Map<String, CompletableFuture<Void>> pendingAttempts = new ConcurrentHashMap<>();

    public ResultWriter(KafkaConnection kafka, String clientId) {
        this.kafka = kafka;
        // Nobody waits on a request for these: batched longer (delays a status, an offset commit or a
        // parked job's return by up to 20 ms, no running delivery: docs/performance.md).
        this.producer = new AckedProducer(kafka, clientId, KafkaClientSettings.BACKGROUND_LINGER_MS);
    }

    /** Best effort: a started event that cannot be written is logged, not retried (the first attempt event says as much). */
    public void writeProgress(ResultEvent.Started event) {
        send(Topics.RESULTS, event.id(), new Encoded(() -> RecordJson.write(event))).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("{} event of job {} not written: {}", event.type(), event.id(), error.getMessage());
            }
        });
    }

    /**
     * An attempt event, retried with backoff until Kafka acknowledges it: the job's status lists
     * its attempts, so they must not be lost while Kafka is away. A succeeded attempt is kept for
     * the final event instead ({@link ResultEvent#attemptsRecorded()}). The job's final event waits for
     * them ({@link #writeFinal}), so that no reader sees a final state before its attempts.
     */
    public void writeAttempt(ResultEvent.Attempt event) {
        if (ResultEvent.OUTCOME_OK.equals(event.outcome())) {
            // A succeeded attempt is the job's last: it travels in the final event, one record instead of two.
            lastAttempts.put(event.id(), event);
            return;
        }
        CompletableFuture<Void> written = sendUntilAcked(Topics.RESULTS, event.id(), new Encoded(() -> RecordJson.write(event)));
        pendingAttempts.merge(event.id(), written, (earlier, later) -> CompletableFuture.allOf(earlier, later));
    }

    /**
     * Completes once Kafka acknowledged the job's attempt events and then its final outcome, retried
     * with backoff until then; fails only when the writer is closed first (the offset then stays
     * uncommitted: at-least-once).
     */
    public CompletableFuture<Void> writeFinal(ResultEvent.Final event) {
        return writeFinal(event, () -> { });
    }

    /**
     * As {@link #writeFinal(ResultEvent.Final)}; {@code andLog} (the outcome's log line) runs now on
     * the writer's own thread, whatever Kafka does, and the event is serialised on the sending
     * thread: neither costs the caller's event loop.
     */
    public CompletableFuture<Void> writeFinal(ResultEvent.Final event, Runnable andLog) {
        try {
            retries.execute(andLog);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            andLog.run();
        }
        CompletableFuture<Void> attempts = pendingAttempts.remove(event.id());
        ResultEvent.Attempt lastAttempt = lastAttempts.remove(event.id());
        Encoded value = new Encoded(() -> RecordJson.write(lastAttempt == null ? event : event.withLastAttempt(lastAttempt)));
        if (attempts == null) {
            return sendUntilAcked(Topics.RESULTS, event.id(), value);
        }
        return attempts.thenCompose(written -> sendUntilAcked(Topics.RESULTS, event.id(), value));
    }

    public CompletableFuture<Void> writeDeadLetter(String key, DeadLetter deadLetter) {
        return sendUntilAcked(Topics.DLQ, key, new Encoded(() -> RecordJson.write(deadLetter)));
    }

    /**
     * Writes {@code record} once (the producer's own retries within its delivery timeout): a parked
     * job's copy. A failure is the caller's to handle (the job waits here again); nothing is
     * retried or escalated, so a deployment whose ACLs do not yet allow it loses only the parking.
     */
    public CompletableFuture<Void> writeOnce(ProducerRecord<String, byte[]> record) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the result writer is closed"));
        }
        return producer.send(record).thenApply(metadata -> null);
    }

    /** A record's value, serialised once, on the sending thread, when first sent (retries reuse it). */
    private static final class Encoded {
        private final Supplier<byte[]> encoding;
        private byte[] bytes;

        Encoded(Supplier<byte[]> encoding) {
            this.encoding = encoding;
        }

        synchronized byte[] get() {
            if (bytes == null) {
                try {
                    bytes = encoding.get();
                } catch (RuntimeException e) {
                    throw new Unencodable(e);
                }
            }
            return bytes;
        }
    }

    /** The record could not be serialised: no retry can change that. */
    private static final class Unencodable extends RuntimeException {
        Unencodable(RuntimeException cause) {
            super("the record could not be serialised: " + cause, cause);
        }
    }

    private CompletableFuture<Void> sendUntilAcked(String topic, String key, Encoded value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        trySend(topic, key, value, done, 1);
        return done;
    }

    /** First retry after this; doubling up to {@link #MAX_BACKOFF_MS}. */
    static final long FIRST_BACKOFF_MS = 200;
    static final long MAX_BACKOFF_MS = 10_000;

    private void trySend(String topic, String key, Encoded value, CompletableFuture<Void> done, int attempt) {
        send(topic, key, value).whenComplete((ok, error) -> {
            if (error == null) {
                lastFailure = null;
                if (attempt > 1) {
                    LOG.info("write to {} for {} succeeded after {} tries", topic, key, attempt);
                }
                done.complete(null);
            } else if (closed) {
                done.completeExceptionally(error);
            } else if (isUnencodable(error)) {
                // A bug, not an outage: said once; the job's offset stays uncommitted (read again after a restart).
                LOG.error("the record for {} on {} could not be serialised; not retried", key, topic, error);
                done.completeExceptionally(error);
            } else if (KafkaAccessDenied.of(error, "writing to " + topic).isPresent()) {
                // No retry fixes credentials or ACLs: the job stays uncommitted, the process is told (the CLI exits).
                KafkaAccessDenied denied = KafkaAccessDenied.of(error, "writing to " + topic).get();
                lastFailure = denied.getMessage();
                deniedBecause = denied.getMessage();
                kafka.accessDenied(denied);
                done.completeExceptionally(denied);
            } else {
                lastFailure = "writing to " + topic + " fails, retrying: " + error.getMessage();
                long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt - 1, 16));
                // Loud: the job's offset cannot be committed until this lands.
                LOG.error("write to {} for {} failed (try {}), retrying in {} ms; its offset stays uncommitted until it lands: {}",
                        topic, key, attempt, backoff, error.getMessage());
                try {
                    retries.schedule(() -> trySend(topic, key, value, done, attempt + 1), backoff, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    done.completeExceptionally(error);
                }
            }
        });
    }

    private static boolean isUnencodable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof Unencodable) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Void> send(String topic, String key, Encoded value) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the result writer is closed"));
        }
        return producer.send(() -> new ProducerRecord<>(topic, key, value.get())).thenApply(metadata -> null);
    }

    @Override
    public String name() {
        return "result-writer";
    }

    /** Live while open and Kafka has not refused it for good: it retries by itself. */
    @Override
    public ComponentStatus liveness() {
        String denied = deniedBecause;
        return closed ? ComponentStatus.down("closed")
                : denied != null ? ComponentStatus.down(denied) : ComponentStatus.up("running");
    }

    /** Ready unless the last final outcome or dead letter could not be written. */
    @Override
    public ComponentStatus readiness() {
        String failure = lastFailure;
        return closed ? ComponentStatus.down("closed")
                : failure == null ? ComponentStatus.up("writing") : ComponentStatus.down(failure);
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        producer.close();
    }
}
