package dev.edgedispatcher.scheduler.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobIds;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.store.RecentAccepts;
import dev.edgedispatcher.store.JobQuery;
import dev.edgedispatcher.store.JobStore;
import dev.edgedispatcher.store.RecordLocation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends final jobs again (docs/api.md, "Finding and redriving jobs"): one by id ({@link #retry}) or
 * every job a filter matches ({@link #redrive}). A new job gets a new id, {@code retry_of} the old
 * one and the old one's delivery id, so receivers see the same {@code webhook-id}. The original is
 * read back from its region topic, so the job store keeps no URLs or bodies; a record that is gone
 * (topic retention) or that was never a valid job (a poison record) is reported, not sent.
 *
 * <p>Redrives run one at a time on a thread of their own, in chunks of {@value #CHUNK} at most
 * {@code perSecond} jobs a second, and show their progress in {@code dispatcher_redrive_*} metrics.
 */
public final class Replayer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    static final int CHUNK = 500;
    private static final int SAMPLES = 20;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Longer than a publish takes with the default producer settings (hand-over 2 s plus delivery
     * timeout 5 s) and roomy for a --kafka-config that raises them: a bound, not a pace.
     */
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(60);

    /** What a retry did. */
    public sealed interface RetryOutcome {
        /** Unknown here (or another account's). */
        record NotFound() implements RetryOutcome {
        }

        /** Not final yet: a retry would race the delivery under way. */
        record NotFinal(JobState state) implements RetryOutcome {
        }

        /** Its record cannot be sent again: gone from the topic, or never a valid job. */
        record NotRedrivable(String reason) implements RetryOutcome {
        }

        record Accepted(String id, String retryOf, ObjectNode document) implements RetryOutcome {
        }
    }

    /** The job's record could not be read back from Kafka now (slow or unavailable): nothing was sent, try again. */
    public static final class ReadBackFailed extends RuntimeException {
        ReadBackFailed(String message) {
            super(message);
        }
    }

    /** A job that was matched but could not be sent again, and why. */
    public record Skipped(String id, String reason) {
    }

    /**
     * What a redrive did: counts, and up to 20 of the jobs it could not send again. {@code notHandled}
     * matched jobs were neither sent nor checked because the redrive stopped early ({@code stopped}
     * says why: the caller went away, or the scheduler is closing). {@code retryAfterMs} > 0: the
     * caller's rate limit did not allow the matched jobs, nothing was read or sent.
     */
    public record RedriveReport(int matched, int accepted, int notRedrivable, int publishFailed, boolean dryRun,
            List<Skipped> notRedrivableSamples, int notHandled, Optional<String> stopped, long retryAfterMs) {
    }

    /**
     * Whether a redrive that matched {@code matched} jobs may go on: 0 when it may (its cost is taken),
     * else the milliseconds until it could (nothing is taken). Asked once, before anything is sent.
     */
    @FunctionalInterface
    public interface Admission {
        Admission ALWAYS = matched -> 0;

        long waitMsFor(int matched);
    }

    private final JobStore store;
    private final RecentAccepts recent;
    private final JobAcceptor acceptor;
    private final JobValidator validator;
    private final int perSecond;
    private final ExecutorService retries = Executors.newSingleThreadExecutor(daemon("job-retry"));
    private final ExecutorService redrives = Executors.newSingleThreadExecutor(daemon("job-redrive"));
    private final RecordFetcher retryFetcher;
    private final RecordFetcher redriveFetcher;
    private final Counter matchedTotal;
    private final Counter acceptedTotal;
    private final Counter notRedrivableTotal;
    private final Counter publishFailedTotal;
    private final Counter cancelledTotal;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong running = new AtomicLong();

    public Replayer(KafkaConnection kafka, JobStore store, RecentAccepts recent, JobAcceptor acceptor, JobValidator validator,
            MeterRegistry metrics, int perSecond) {
        this(Topology.single(kafka), store, recent, acceptor, validator, metrics, perSecond);
    }

    /** Reading each job's record back on its region's cluster. */
    public Replayer(Topology kafka, JobStore store, RecentAccepts recent, JobAcceptor acceptor, JobValidator validator,
            MeterRegistry metrics, int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("a redrive must send at least 1 job a second, not " + perSecond);
        }
        this.store = store;
        this.recent = recent;
        this.acceptor = acceptor;
        this.validator = validator;
        this.perSecond = perSecond;
        this.retryFetcher = new RecordFetcher(kafka, "scheduler-retry");
        this.redriveFetcher = new RecordFetcher(kafka, "scheduler-redrive");
        matchedTotal = Counter.builder("dispatcher_redrive_matched").description("jobs matched by redrives (dry runs too)")
                .register(metrics);
        acceptedTotal = Counter.builder("dispatcher_redrive_accepted")
                .description("jobs sent again by redrives (new job accepted by Kafka)").register(metrics);
        notRedrivableTotal = Counter.builder("dispatcher_redrive_not_redrivable")
                .description("matched jobs whose record is gone or was never a valid job").register(metrics);
        publishFailedTotal = Counter.builder("dispatcher_redrive_publish_failed")
                .description("jobs of a redrive that Kafka did not acknowledge").register(metrics);
        cancelledTotal = Counter.builder("dispatcher_redrive_cancelled")
                .description("redrives stopped before their end because the client closed its connection").register(metrics);
        Gauge.builder("dispatcher_redrive_pending", pending, AtomicLong::get)
                .description("jobs matched by running redrives and not yet handled").register(metrics);
        Gauge.builder("dispatcher_redrive_running", running, AtomicLong::get)
                .description("redrives running or waiting for the one running").register(metrics);
    }

    /** Retries one final job; {@code account} restricts it to that account's jobs. */
    public CompletableFuture<RetryOutcome> retry(String id, Optional<String> account) {
        // The store is read off the caller's thread (an event loop); a store failure fails the future.
        return CompletableFuture.supplyAsync(() -> store.snapshot(id, account)
                .or(() -> recent.find(id).filter(job -> account.isEmpty()
                        || account.get().equals(job.account() == null ? JobStore.DEFAULT_ACCOUNT : job.account()))
                        .map(job -> new JobStore.Snapshot(id, JobState.QUEUED, Optional.empty()))), retries)
                .thenCompose(job -> retryFound(id, job));
    }

    private CompletableFuture<RetryOutcome> retryFound(String id, Optional<JobStore.Snapshot> job) {
        if (job.isEmpty()) {
            return CompletableFuture.completedFuture(new RetryOutcome.NotFound());
        }
        if (!job.get().isFinal()) {
            return CompletableFuture.completedFuture(new RetryOutcome.NotFinal(job.get().state()));
        }
        if (job.get().location().isEmpty()) {
            return CompletableFuture.completedFuture(new RetryOutcome.NotRedrivable(
                    "the scheduler never read the job's region record (it was not accepted through this API or webhooks.jobs)"));
        }
        RecordLocation location = job.get().location().get();
        return CompletableFuture.supplyAsync(() -> readBack(retryFetcher, List.of(location)).get(id), retries)
                .thenCompose(read -> {
                    if (read.failedToRead()) {
                        return CompletableFuture.<RetryOutcome>failedFuture(new ReadBackFailed(read.reason()));
                    }
                    if (read.record().isEmpty()) {
                        return CompletableFuture.completedFuture((RetryOutcome) new RetryOutcome.NotRedrivable(read.reason()));
                    }
                    JobRecord again = read.record().get().retriedAs(JobIds.newId(), System.currentTimeMillis());
                    return acceptor.publishRetry(again)
                            .thenApply(document -> (RetryOutcome) new RetryOutcome.Accepted(again.id(), id, document));
                });
    }

    /**
     * Sends every job matching {@code query} again (at most {@code limit}, newest first), each once;
     * with {@code dryRun}, reads and checks them but sends nothing.
     */
    public CompletableFuture<RedriveReport> redrive(JobQuery query, int limit, boolean dryRun) {
        return redrive(query, limit, dryRun, Admission.ALWAYS, () -> false);
    }

    /**
     * As {@link #redrive(JobQuery, int, boolean)}; {@code admission} is asked once the matches are
     * known (a rate limit), and {@code cancelled} before each chunk: once true (the client closed its
     * connection), no further chunk is read or sent.
     */
    public CompletableFuture<RedriveReport> redrive(JobQuery query, int limit, boolean dryRun, Admission admission,
            BooleanSupplier cancelled) {
        running.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runRedrive(query, limit, dryRun, admission, cancelled);
            } finally {
                running.decrementAndGet();
            }
        }, redrives);
    }

    private RedriveReport runRedrive(JobQuery query, int limit, boolean dryRun, Admission admission,
            BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            // Gone while waiting for the redrive before it: not even matched.
            cancelledTotal.increment();
            LOG.info("redrive of {} not started: the client closed its connection while it waited", describe(query));
            return new RedriveReport(0, 0, 0, 0, dryRun, List.of(), 0, Optional.of("client closed the connection"), 0);
        }
        List<JobStore.Match> matches = store.matches(query, limit);
        long waitMs = matches.isEmpty() ? 0 : admission.waitMsFor(matches.size());
        if (waitMs > 0) {
            LOG.info("redrive of {} refused: its {} matches exceed the API key's rate limit", describe(query), matches.size());
            return new RedriveReport(matches.size(), 0, 0, 0, dryRun, List.of(), matches.size(), Optional.empty(), waitMs);
        }
        Optional<String> stopped = Optional.empty();
        // The store keys jobs by (id, accept time), so an id reused after the idempotency window can
        // match twice; matches come newest first, and the set sends only the newest: never two for one id.
        Set<String> seen = new LinkedHashSet<>();
        List<Skipped> samples = new ArrayList<>();
        int notRedrivable = 0;
        int accepted = 0;
        int publishFailed = 0;
        matchedTotal.increment(matches.size());
        pending.addAndGet(matches.size());
        long started = System.nanoTime();
        int handled = 0;
        try {
            for (int from = 0; from < matches.size(); from += CHUNK) {
                if (Thread.currentThread().isInterrupted()) {
                    stopped = Optional.of("the scheduler is closing");
                } else if (cancelled.getAsBoolean()) {
                    stopped = Optional.of("client closed the connection");
                    cancelledTotal.increment();
                }
                if (stopped.isPresent()) {
                    LOG.warn("redrive of {} stopped after {} of {} jobs ({} sent): {}", describe(query), handled,
                            matches.size(), accepted, stopped.get());
                    break;
                }
                List<JobStore.Match> chunk = matches.subList(from, Math.min(matches.size(), from + CHUNK));
                List<RecordLocation> locations = new ArrayList<>();
                List<Skipped> skipped = new ArrayList<>();
                for (JobStore.Match match : chunk) {
                    if (!seen.add(match.id())) {
                        continue;
                    }
                    if (match.location().isPresent()) {
                        locations.add(match.location().get());
                    } else {
                        skipped.add(new Skipped(match.id(), "the scheduler never read the job's region record"));
                    }
                }
                Map<String, ReadBack> read = readBack(redriveFetcher, locations);
                List<CompletableFuture<ObjectNode>> sends = new ArrayList<>();
                for (RecordLocation location : locations) {
                    ReadBack back = read.get(location.id());
                    if (back.record().isEmpty()) {
                        skipped.add(new Skipped(location.id(), back.reason()));
                    } else if (!dryRun) {
                        CompletableFuture<ObjectNode> send = acceptor.publishRetry(back.record().get().retriedAs(
                                JobIds.newId(), System.currentTimeMillis()));
                        // Counted as each ack arrives: the metrics show progress within a chunk too.
                        send.whenComplete((document, error) -> (error == null ? acceptedTotal : publishFailedTotal).increment());
                        sends.add(send);
                    }
                }
                for (CompletableFuture<ObjectNode> send : sends) {
                    try {
                        // get, not join: a close() interrupting this thread is heard at once.
                        send.get(PUBLISH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                        accepted++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        publishFailed++; // not known to be acknowledged: counted as not
                    } catch (ExecutionException | TimeoutException e) {
                        publishFailed++;
                    }
                }
                notRedrivable += skipped.size();
                notRedrivableTotal.increment(skipped.size());
                skipped.stream().limit(Math.max(0, SAMPLES - samples.size())).forEach(samples::add);
                handled += chunk.size();
                pending.addAndGet(-chunk.size());
                if (!dryRun) {
                    pace(started, handled);
                }
            }
        } finally {
            pending.addAndGet(-(matches.size() - handled));
        }
        LOG.info("redrive of {}: matched {}, {} {}, not redrivable {}, publish failed {}, not handled {}", describe(query),
                matches.size(), dryRun ? "would send" : "sent", dryRun ? handled - notRedrivable : accepted, notRedrivable,
                publishFailed, matches.size() - handled);
        return new RedriveReport(matches.size(), accepted, notRedrivable, publishFailed, dryRun, List.copyOf(samples),
                matches.size() - handled, stopped, 0);
    }

    private static String describe(JobQuery query) {
        StringBuilder text = new StringBuilder();
        query.state().ifPresent(v -> text.append(" state=").append(v));
        query.region().ifPresent(v -> text.append(" region=").append(v));
        query.account().ifPresent(v -> text.append(" account=").append(v));
        query.host().ifPresent(v -> text.append(" host=").append(v));
        query.outcome().ifPresent(v -> text.append(" outcome=").append(v));
        query.since().ifPresent(v -> text.append(" since=").append(v));
        query.until().ifPresent(v -> text.append(" until=").append(v));
        return text.length() == 0 ? "all final jobs" : text.substring(1);
    }

    /** Sleeps until {@code sent} jobs since {@code started} are within {@code perSecond}. */
    private void pace(long started, int sent) {
        long dueNanos = started + TimeUnit.SECONDS.toNanos(sent) / perSecond;
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A record read back: the job, or why it cannot be sent again. */
    private record ReadBack(Optional<JobRecord> record, String reason, boolean failedToRead) {
        ReadBack(Optional<JobRecord> record, String reason) {
            this(record, reason, false);
        }
    }

    private Map<String, ReadBack> readBack(RecordFetcher fetcher, List<RecordLocation> locations) {
        Map<String, ReadBack> result = new java.util.HashMap<>();
        Map<String, RecordFetcher.Fetched> values;
        try {
            values = fetcher.fetch(locations, FETCH_TIMEOUT);
        } catch (org.apache.kafka.common.KafkaException e) {
            // Offsets or records not read in time (org.apache.kafka.common.errors.TimeoutException) or
            // the like: nothing is known of these records.
            for (RecordLocation location : locations) {
                result.put(location.id(), new ReadBack(Optional.empty(), "its region record could not be read back from "
                        + location.topic() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", true));
            }
            return result;
        }
        for (RecordLocation location : locations) {
            RecordFetcher.Fetched fetched = values.get(location.id());
            ReadBack back;
            if (fetched == null) {
                back = new ReadBack(Optional.empty(), "its region record is no longer on " + location.topic()
                        + " (deleted by the topic's retention)");
            } else if (fetched.timedOut()) {
                back = new ReadBack(Optional.empty(), "its region record was not read back from " + location.topic()
                        + " within " + FETCH_TIMEOUT.toSeconds() + " s (Kafka slow or unavailable)", true);
            } else if (fetched.value() == null) {
                back = new ReadBack(Optional.empty(), fetched.notThisJob());
            } else {
                back = check(fetched.value(), location);
            }
            result.put(location.id(), back);
        }
        return result;
    }

    /** The record as a job, checked by the same rules as a submission: a poison record is not sent again. */
    private ReadBack check(byte[] value, RecordLocation location) {
        try {
            JsonNode root = RecordJson.MAPPER.readTree(value);
            ObjectNode job = RecordJson.MAPPER.createObjectNode();
            JobValidator.FIELDS.forEach(field -> {
                if (root.has(field)) {
                    job.set(field, root.get(field));
                }
            });
            ParseResult<ValidatedJob> valid = validator.validate(job, () -> location.id());
            if (valid instanceof ParseResult.Rejected<ValidatedJob> rejected) {
                return new ReadBack(Optional.empty(), "never a valid job (" + rejected.error().field() + ": "
                        + rejected.error().detail() + "); see webhooks.dlq");
            }
            JobRecord record = RecordJson.read(value, JobRecord.class);
            Optional<Region> region = Region.fromWireName(record.region());
            if (region.isEmpty()) {
                return new ReadBack(Optional.empty(), "never a valid job (unknown region " + record.region() + ")");
            }
            if (!Topics.region(region.get()).equals(location.topic())) {
                // Not published by a scheduler (it writes a job to its region's topic): sending it to
                // the region it names would move it to another pool than the one that failed it.
                return new ReadBack(Optional.empty(), "never a valid job (it names region " + record.region()
                        + " but was on " + location.topic() + ")");
            }
            return new ReadBack(Optional.of(record), null);
        } catch (java.io.IOException | RuntimeException e) {
            return new ReadBack(Optional.empty(), "never a valid job (unreadable record: " + e.getMessage() + ")");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        retries.shutdownNow();
        redrives.shutdownNow();
        try {
            retries.awaitTermination(5, TimeUnit.SECONDS);
            redrives.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The fetchers belong to the threads that used them: closed from here once those have stopped.
        retryFetcher.close();
        redriveFetcher.close();
    }
}
