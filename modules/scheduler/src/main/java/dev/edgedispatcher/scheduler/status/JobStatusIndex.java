package dev.edgedispatcher.scheduler.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.health.LoopHealth;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.health.LoopBackoff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.Comparator;
import java.util.NavigableSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status of jobs, built from the Kafka topics alone (no database): the region topics say a job
 * was accepted (and with which region, resolution and policy), {@code webhooks.results} says what
 * happened to it. On start it reads both from the beginning, so a restarted scheduler has every
 * status back, and accepted ids stay known for idempotency.
 *
 * <p>Bounded: jobs that are not final are always kept; of the final ones (delivered, failed) only
 * the newest {@code retainedFinalJobs} to become final are kept, older ones are evicted (during the
 * rebuild at start too). Evicted ids are remembered as fingerprints ({@link EvictedIds}), so a status
 * request answers "evicted" rather than "unknown" and a repeated submit is still not published again.
 *
 * <p>The reading loop never ends before {@link #close()}: a failure is logged, reported on its
 * {@link #health()} and retried with a backoff.
 */
public final class JobStatusIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobStatusIndex.class);
    /**
     * Final jobs kept with their full status by default. About 650 bytes of heap each with one
     * attempt, about 200 more per further attempt (measured, see the module README): about 65 MiB
     * at this bound, plus at most 16 MiB of evicted-id fingerprints.
     */
    public static final int DEFAULT_RETAINED_FINAL_JOBS = 100_000;
    /** The account of a job that names none (SPEC §5). */
    public static final String DEFAULT_ACCOUNT = "default";
    /** How often the loop checks that Kafka answers (and looks for partitions added since). */
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
    /**
     * Accepted jobs held, newest accept first (ties by id, descending): what {@code GET /v1/jobs}
     * walks, so a page costs the entries it passes, never a sort. About 60 bytes per job.
     */
    private final ConcurrentSkipListSet<Listed> newestFirst = new ConcurrentSkipListSet<>(Listed.ORDER);
    /** Ids in the order they became final; only the index thread touches it. */
    private final ArrayDeque<String> finalOrder = new ArrayDeque<>();
    private final EvictedIds evicted;
    private final int retainedFinalJobs;
    private final AtomicLong evictedCount = new AtomicLong();
    private volatile int finalHeld;
    /** Ids this process is publishing right now: their records need no parsing when read back. */
    private final Set<String> publishing = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaConnection kafka;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final LoopHealth health = new LoopHealth("status-index", 60_000);
    private final JobCounts counts = new JobCounts();
    private final DeliveryRate deliveryRate = new DeliveryRate(System::currentTimeMillis);
    private volatile boolean running = true;

    public JobStatusIndex(KafkaConnection kafka) {
        this(kafka, DEFAULT_RETAINED_FINAL_JOBS);
    }

    public JobStatusIndex(KafkaConnection kafka, int retainedFinalJobs) {
        this(kafka, retainedFinalJobs, EvictedIds.DEFAULT_PER_GENERATION);
    }

    JobStatusIndex(KafkaConnection kafka, int retainedFinalJobs, int evictedIdsPerGeneration) {
        if (retainedFinalJobs < 1) {
            throw new IllegalArgumentException("the status index must keep at least 1 final job, not " + retainedFinalJobs);
        }
        this.retainedFinalJobs = retainedFinalJobs;
        this.evicted = new EvictedIds(evictedIdsPerGeneration);
        this.kafka = kafka;
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.consumer(kafka, null, "scheduler-status-index"));
        this.thread = new Thread(this::run, "job-status-index");
        this.thread.setDaemon(true);
    }

    /** Starts reading, and returns once everything present at start has been read. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        thread.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the job status index did not catch up with Kafka within " + timeout);
        }
    }

    /** Liveness and readiness of the reading loop, for {@code /health/*}. */
    public LoopHealth health() {
        return health;
    }

    /** This process is about to publish {@code id}; call {@link #recordAccepted} or {@link #notPublished} next. */
    public void publishing(String id) {
        publishing.add(id);
    }

    /** The publish of {@code id} failed: a record read back for it is parsed as usual. */
    public void notPublished(String id) {
        publishing.remove(id);
    }

    /** Records an accept made by this process, so status and idempotency do not wait for the topic. */
    public void recordAccepted(JobRecord job) {
        JobStatus status = jobs.computeIfAbsent(job.id(), JobStatus::new);
        // Under the status's lock, as its eviction is: an accept racing an eviction either lists it
        // before the eviction unlists it, or sees it gone and does not list it (no entry left behind).
        synchronized (status) {
            boolean first = counted(job.id(), status, () -> {
                boolean firstAccept = !status.isAccepted();
                status.accepted(job);
                return firstAccept;
            });
            if (first && jobs.get(job.id()) == status) {
                newestFirst.add(new Listed(job.submittedAtMs(), job.id()));
            }
        }
        publishing.remove(job.id());
    }

    /**
     * Changes a status and moves it between the {@link JobCounts} slots, under the status's lock so
     * that concurrent changes of one job (an accept and a result event) move it in their order. A
     * status no longer in the map (evicted meanwhile) is not counted again.
     */
    private boolean counted(String id, JobStatus status, java.util.function.BooleanSupplier change) {
        synchronized (status) {
            JobCounts.Slot before = JobCounts.slotOf(status);
            boolean result = change.getAsBoolean();
            if (jobs.get(id) == status) {
                counts.move(before, JobCounts.slotOf(status));
            }
            return result;
        }
    }

    /** Jobs held by region and state, kept up to date as they change (reading them scans nothing). */
    public JobCounts counts() {
        return counts;
    }

    /** Deliveries per second by region over the last few seconds, from final {@code delivered} events. */
    public DeliveryRate deliveryRate() {
        return deliveryRate;
    }

    /**
     * Where the region record of {@code id} is (from the producer's acknowledgement or the read-back):
     * the topic it is actually on, not one derived from the region it names.
     */
    public void recordLocated(String id, String topic, int partition, long offset) {
        JobStatus status = jobs.get(id);
        if (status != null) {
            status.locatedAt(topic, partition, offset);
        }
    }

    /** A listing entry: accept time and id. */
    private record Listed(long submittedAtMs, String id) {
        static final Comparator<Listed> ORDER = Comparator.comparingLong(Listed::submittedAtMs).reversed()
                .thenComparing(Listed::id, Comparator.reverseOrder());
    }

    /** One page of a listing: status documents newest first, and where the next page starts (empty at the end). */
    public record Page(List<ObjectNode> jobs, Optional<ListCursor> next) {
    }

    /**
     * Accepted jobs held that match {@code query}, newest accept first, starting after {@code after}.
     * Covers what the index holds: every job not yet final and the newest {@link #retainedFinalJobs()}
     * final ones. Walks the accept-time order from {@code until} down and stops at {@code since}, or
     * once one match past {@code limit} shows that there is a next page.
     */
    public Page list(JobQuery query, Optional<ListCursor> after, int limit) {
        List<ObjectNode> page = new ArrayList<>(Math.min(limit, 1024));
        Listed last = null;
        for (Listed entry : walk(query, after)) {
            JobStatus status = jobs.get(entry.id());
            if (status == null || !status.matches(query)) {
                continue;
            }
            if (page.size() == limit) {
                return new Page(page, Optional.of(new ListCursor(last.submittedAtMs(), last.id())));
            }
            page.add(status.statusDocument());
            last = entry;
        }
        return new Page(page, Optional.empty());
    }

    /** A job of a redrive: its id and where its region record is (empty when not known). */
    public record Match(String id, Optional<RecordLocation> location) {
    }

    /**
     * At most {@code limit} jobs matching {@code query}, newest first, each once, leaving out jobs
     * already sent again (some held job has {@code retry_of} = their id): their newest repeat stands
     * for them, so a failed original whose retry was delivered is not sent a third time, and an
     * original and its failed retry do not both go out in one redrive. Known at call time from every
     * held job, whatever order the topics were read in.
     */
    public List<Match> matches(JobQuery query, int limit) {
        Set<String> superseded = new java.util.HashSet<>();
        for (JobStatus status : jobs.values()) {
            String retryOf = status.retryOf();
            if (retryOf != null) {
                superseded.add(retryOf);
            }
        }
        List<Match> found = new ArrayList<>();
        for (Listed entry : walk(query, Optional.empty())) {
            if (found.size() >= limit) {
                break;
            }
            JobStatus status = jobs.get(entry.id());
            if (status != null && !superseded.contains(entry.id()) && status.matches(query)) {
                found.add(new Match(entry.id(), status.location()));
            }
        }
        return found;
    }

    private Iterable<Listed> walk(JobQuery query, Optional<ListCursor> after) {
        // "" sorts last among equal times (ids descend): strictly after (until, "") is every earlier accept.
        Listed from = query.untilMs().map(until -> new Listed(until, "")).orElse(null);
        if (after.isPresent()) {
            Listed cursor = new Listed(after.get().submittedAtMs(), after.get().id());
            from = from == null || Listed.ORDER.compare(cursor, from) > 0 ? cursor : from;
        }
        Listed to = query.sinceMs().map(since -> new Listed(since, "")).orElse(null);
        if (from != null && to != null) {
            return Listed.ORDER.compare(from, to) >= 0 ? List.of() : newestFirst.subSet(from, false, to, true);
        }
        if (from != null) {
            return newestFirst.tailSet(from, false);
        }
        return to != null ? newestFirst.headSet(to, true) : newestFirst;
    }

    /** What a retry needs to know of a job: its state and where its record is. */
    public record Snapshot(String id, String state, boolean isFinal, Optional<RecordLocation> location) {
    }

    /** The job as its caller may see it (with an {@code account}, only that account's). */
    public Optional<Snapshot> snapshot(String id, Optional<String> account) {
        JobStatus status = jobs.get(id);
        if (status == null || account.isPresent() && !account.get().equals(status.account())) {
            return Optional.empty();
        }
        return Optional.of(new Snapshot(id, status.state(), status.isFinalState(), status.location()));
    }

    /** The accept document of an accepted job and its account ({@code default} when it named none). */
    public record AcceptedJob(ObjectNode document, String account) {
    }

    /**
     * A job already accepted (and not evicted), for idempotent repeats: its accept document and
     * account, both read from one entry of the index (so they cannot belong to different moments).
     */
    public Optional<AcceptedJob> accepted(String id) {
        JobStatus status = jobs.get(id);
        return status != null && status.isAccepted()
                ? Optional.of(new AcceptedJob(status.acceptDocument(), status.account()))
                : Optional.empty();
    }

    /**
     * The status document of a job, from one entry of the index; with an {@code account}, only when
     * the job is that account's (a job known only from its results has no account yet).
     */
    public Optional<ObjectNode> statusDocument(String id, Optional<String> account) {
        JobStatus status = jobs.get(id);
        if (status == null || account.isPresent() && !account.get().equals(status.account())) {
            return Optional.empty();
        }
        return Optional.of(status.statusDocument());
    }

    /**
     * Whether {@code id} reached a final state and was evicted: it was accepted once, so a repeat
     * must not be published again. The newest {@link #evictedIdsRemembered()} evicted ids are always
     * remembered (more, up to twice as many, usually are).
     */
    public boolean wasEvicted(String id) {
        return !jobs.containsKey(id) && evicted.contains(id);
    }

    /** The bound on final jobs kept with their full status. */
    public int retainedFinalJobs() {
        return retainedFinalJobs;
    }

    public int evictedIdsRemembered() {
        return evicted.remembersAtLeast();
    }

    /** Jobs held (final and not). */
    public int size() {
        return jobs.size();
    }

    /** Final jobs held (at most {@link #retainedFinalJobs()}). */
    public int finalJobs() {
        return finalHeld;
    }

    /** Final jobs evicted since start (the rebuild included). */
    public long evictedJobs() {
        return evictedCount.get();
    }

    private void run() {
        LoopBackoff backoff = new LoopBackoff(LOG, "job status index");
        List<TopicPartition> partitions = List.of();
        Map<TopicPartition, Long> endAtStart = null;
        long nextProbe = 0;
        try {
            while (running) {
                try {
                    if (endAtStart == null) {
                        partitions = discoverPartitions();
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        endAtStart = consumer.endOffsets(partitions, Duration.ofSeconds(10));
                        health.kafkaOk();
                        nextProbe = System.nanoTime() + PROBE_EVERY_NANOS;
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                    }
                    if (caughtUp.getCount() > 0 && isAt(endAtStart)) {
                        LOG.info("job status index caught up: {} jobs ({} final kept, {} evicted)", jobs.size(),
                                finalOrder.size(), evictedCount.get());
                        caughtUp.countDown();
                    }
                    if (System.nanoTime() - nextProbe >= 0) {
                        partitions = probe(partitions);
                        nextProbe = System.nanoTime() + PROBE_EVERY_NANOS;
                    }
                    health.beat();
                    backoff.succeeded();
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                } catch (RuntimeException e) {
                    var denied = KafkaAccessDenied.of(e, "reading the region and results topics (status index)");
                    if (denied.isPresent()) {
                        // No retry fixes credentials or ACLs: stop, and let the process decide (the CLI exits).
                        health.stopped(denied.get().getMessage());
                        kafka.accessDenied(denied.get());
                        return;
                    }
                    health.kafkaFailing(LoopBackoff.describe(e));
                    backoff.failed("reading the region and results topics", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            health.stoppedUnlessAlready(running ? "interrupted" : "closed");
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("closing the status index consumer: {}", e.toString());
            }
        }
    }

    private List<TopicPartition> discoverPartitions() {
        List<TopicPartition> partitions = new ArrayList<>();
        List<String> topics = new ArrayList<>(Topics.allRegionTopics());
        topics.add(Topics.RESULTS);
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist (yet)");
            }
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    private boolean isAt(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), PROBE_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Asks the partition leaders for their end offsets: a poll does not fail while Kafka is away,
     * this does, so health says so. Partitions added since (a region scaled up) are read too, from
     * their beginning.
     */
    private List<TopicPartition> probe(List<TopicPartition> assigned) {
        consumer.endOffsets(assigned, PROBE_TIMEOUT);
        health.kafkaOk();
        List<TopicPartition> now = discoverPartitions();
        if (!new LinkedHashSet<>(assigned).containsAll(now)) {
            Set<TopicPartition> added = new LinkedHashSet<>(now);
            added.removeAll(assigned);
            consumer.assign(now);
            consumer.seekToBeginning(added);
            LOG.info("job status index reads partitions added since start: {}", added);
        }
        return now;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(Topics.RESULTS)) {
                ResultEvent event = RecordJson.read(record.value(), ResultEvent.class);
                if (event.id() == null) {
                    return;
                }
                JobStatus status = jobs.get(event.id());
                if (status == null) {
                    if (evicted.contains(event.id())) {
                        return; // a late or repeated event of a job already final and evicted
                    }
                    status = jobs.computeIfAbsent(event.id(), JobStatus::new);
                }
                JobStatus held = status;
                if (counted(event.id(), held, () -> held.apply(event))) {
                    if ("delivered".equals(held.state())) {
                        Region.fromWireName(held.region()).ifPresent(region -> deliveryRate.delivered(held.account(),
                                region, record.timestamp()));
                    }
                    becameFinal(event.id());
                }
            } else {
                // The record often arrives here before the producer's acknowledgement reaches the
                // acceptor: ids being published by this process are not parsed again.
                Header header = record.headers().lastHeader(Topics.JOB_ID_HEADER);
                String id = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
                JobStatus known = id == null ? null : jobs.get(id);
                if (known != null && known.isAccepted()) {
                    known.locatedAt(record.topic(), record.partition(), record.offset());
                    return;
                }
                if (id != null && publishing.contains(id)) {
                    // Read back before the acceptor heard the ack: the acceptor records the location too.
                    return;
                }
                JobRecord job = RecordJson.read(record.value(), JobRecord.class);
                // known already is jobs.get(id): look the id up again only when the header named another.
                boolean held = known != null || !job.id().equals(id) && jobs.containsKey(job.id());
                if (!held && evicted.contains(job.id())) {
                    // Its results were read first and it is final and evicted already: do not bring
                    // it back as "queued".
                    return;
                }
                recordAccepted(job);
                recordLocated(job.id(), record.topic(), record.partition(), record.offset());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    private void becameFinal(String id) {
        finalOrder.addLast(id);
        while (finalOrder.size() > retainedFinalJobs) {
            String oldest = finalOrder.pollFirst();
            // Remembered before removal: a reader never sees it neither held nor evicted.
            evicted.add(oldest);
            JobStatus gone = jobs.get(oldest);
            if (gone != null) {
                synchronized (gone) {
                    jobs.remove(oldest);
                    counts.move(JobCounts.slotOf(gone), null);
                    newestFirst.remove(new Listed(gone.submittedAtMs(), oldest));
                }
            }
            evictedCount.incrementAndGet();
        }
        finalHeld = finalOrder.size();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
