package dev.edgedispatcher.worker.dispatch;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.consume.FinishedOffsets;
import dev.edgedispatcher.worker.consume.RecordDispatcher;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import dev.edgedispatcher.worker.results.OutcomeRecorder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a region's records into deliveries, on the consumer thread: decode and validate
 * ({@link RecordDecoder}; poison records go to the DLQ), wait behind the job's ordering key
 * ({@link OrderingLanes}), wait for room at the destination and in the process
 * ({@link DestinationAdmission}), then hand the job to an event loop, round robin, where
 * {@link JobRunner} delivers it and {@link OutcomeRecorder} writes its outcome. Only when that
 * write is acknowledged is the offset finished. Any exception on the way ends the record as a
 * poison record or a failed outcome: nothing holds a key, a destination or an offset forever. A job
 * waiting to start that holds its partition's commit window is parked ({@link JobParker}): its
 * offset is finished once its copy at the end of the partition is acknowledged.
 */
public final class JobDispatcher implements RecordDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    /** A job read from a partition, on its way through the dispatcher. */
    private record InFlight(TopicPartition partition, long offset, JobRecord job, String destination,
            DecodedRecord.Targets targets) {
    }

    private final Region region;
    private final RecordDecoder decoder;
    private final JobRunner runner;
    private final OutcomeRecorder recorder;
    private final FinishedOffsets finishedOffsets;
    private final OrderingLanes<InFlight> lanes = new OrderingLanes<>();
    private final DestinationAdmission<InFlight> admission;
    private final ConcurrentLinkedQueue<InFlight> delivered = new ConcurrentLinkedQueue<>();
    private final JobParker parker;
    private final Counter parkedCount;
    /** Jobs whose parking failed: they wait here again (unless their partition went meanwhile). */
    private final ConcurrentLinkedQueue<InFlight> unparked = new ConcurrentLinkedQueue<>();
    private final Set<TopicPartition> revoked = new HashSet<>();
    /** Started deliveries per partition, until their offset is finished (or their outcome write failed). */
    private final ConcurrentHashMap<TopicPartition, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Consumer<InFlight> start = this::start;
    /** One feed per event loop: admitted jobs reach a loop a slice at a time ({@link LoopFeed}). */
    private final List<LoopFeed<InFlight>> feeds;
    private int nextLoop;

    public JobDispatcher(Region region, List<Context> eventLoops, JobRunner runner, OutcomeRecorder recorder,
            FinishedOffsets finishedOffsets, int perDestination, DeliverySlots slots, JobParker parker,
            MeterRegistry metrics) {
        this.region = region;
        this.parker = parker;
        this.parkedCount = Counter.builder("dispatcher_jobs_parked").tag("region", region.wireName())
                .description("jobs waiting to start that held their partition's commit window, written again at its end")
                .register(metrics);
        this.decoder = new RecordDecoder(region);
        this.feeds = eventLoops.stream().map(loop -> new LoopFeed<InFlight>(loop, this::deliver)).toList();
        this.runner = runner;
        this.recorder = recorder;
        this.finishedOffsets = finishedOffsets;
        this.admission = new DestinationAdmission<>(perDestination, slots, item -> item.job().account() == null
                ? dev.edgedispatcher.backbone.JobRecord.DEFAULT_ACCOUNT : item.job().account());
    }

    @Override
    public void dispatch(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        revoked.remove(partition); // ours again
        DecodedRecord decoded;
        try {
            decoded = decoder.decode(record.value());
        } catch (RuntimeException e) {
            LOG.error("region {}: decoding {}-{}@{} threw", region.wireName(), record.topic(), record.partition(),
                    record.offset(), e);
            decoded = new DecodedRecord.Poison(Optional.empty(), "internal", "body", e.toString());
        }
        if (decoded instanceof DecodedRecord.Poison poison) {
            recorder.poisoned(record, poison.id(), poison.reason(), poison.field(), poison.detail())
                    .whenComplete((ok, error) -> {
                        if (error == null) {
                            finishedOffsets.add(partition, record.offset());
                        } // else the writer was closed: the offset stays uncommitted and is read again
                    });
            return;
        }
        DecodedRecord.Job job = (DecodedRecord.Job) decoded;
        InFlight item = new InFlight(partition, record.offset(), job.job(), job.destination(), job.targets());
        if (lanes.tryStart(item.job().orderingLane(), item)) {
            admission.offer(item.destination(), item, start);
        }
    }

    @Override
    public void turn() {
        for (InFlight item = unparked.poll(); item != null; item = unparked.poll()) {
            if (!revoked.contains(item.partition())) {
                admission.offer(item.destination(), item, start); // waits again where it was
            }
        }
        for (InFlight item = delivered.poll(); item != null; item = delivered.poll()) {
            admission.finished(item.destination(), item, start);
            startNextOfKey(item.job().orderingLane());
        }
        admission.admitWaitingForSlots(start);
    }

    private void startNextOfKey(String lane) {
        InFlight next = lanes.finished(lane);
        while (next != null && revoked.contains(next.partition())) {
            next = lanes.finished(lane); // its partition went to another worker, which reads it again
        }
        if (next != null) {
            admission.offer(next.destination(), next, start);
        }
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        revoked.addAll(partitions);
        unparked.removeIf(item -> revoked.contains(item.partition()));
        for (InFlight dropped : admission.dropIf(item -> revoked.contains(item.partition()), start)) {
            startNextOfKey(dropped.job().orderingLane());
        }
    }

    @Override
    public int park(Map<TopicPartition, List<Long>> lowest) {
        Map<TopicPartition, Map<Long, InFlight>> waitingThere = new HashMap<>();
        admission.forEachWaiting(item -> {
            // A job in an ordering lane stays: its lane's order lives in this partition.
            if (item.job().orderingKey() == null && lowest.containsKey(item.partition())) {
                waitingThere.computeIfAbsent(item.partition(), key -> new HashMap<>()).put(item.offset(), item);
            }
        });
        Set<InFlight> chosen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        lowest.forEach((partition, offsets) -> {
            Map<Long, InFlight> there = waitingThere.getOrDefault(partition, Map.of());
            for (long offset : offsets) {
                InFlight item = there.get(offset);
                if (item == null) {
                    break; // running, in a lane or already being parked: the window cannot pass it yet
                }
                chosen.add(item);
            }
        });
        if (chosen.isEmpty()) {
            return 0;
        }
        admission.dropIf(chosen::contains, start);
        for (InFlight item : chosen) {
            AtomicInteger count = running.computeIfAbsent(item.partition(), key -> new AtomicInteger());
            count.incrementAndGet(); // a revocation waits for the copy's write, as for a delivery
            parker.park(item.partition(), item.offset(), item.job()).whenComplete((ok, error) -> {
                if (error == null) {
                    parkedCount.increment();
                    finishedOffsets.add(item.partition(), item.offset());
                } else {
                    LOG.warn("region {}: parking job {} ({}@{}) failed, it waits in place: {}", region.wireName(),
                            item.job().id(), item.partition(), item.offset(), error.toString());
                    unparked.add(item);
                }
                count.decrementAndGet();
            });
        }
        LOG.info("region {}: parked {} waiting jobs that held their partitions' commit windows", region.wireName(),
                chosen.size());
        return chosen.size();
    }

    @Override
    public int waiting() {
        return admission.waiting() + lanes.waiting();
    }

    @Override
    public int running(Collection<TopicPartition> partitions) {
        int sum = 0;
        for (TopicPartition partition : partitions) {
            var count = running.get(partition);
            sum += count == null ? 0 : count.get();
        }
        return sum;
    }

    /** A job still running this long after it started gets a started event (its status turns in_flight). */
    public static final long STARTED_EVENT_AFTER_MS = 250;

    /** Admitted: deliver on the next event loop. */
    private void start(InFlight item) {
        running.computeIfAbsent(item.partition(), key -> new AtomicInteger()).incrementAndGet();
        LoopFeed<InFlight> feed = feeds.get(nextLoop);
        nextLoop = (nextLoop + 1) % feeds.size();
        feed.add(item);
    }

    private void deliver(InFlight item) {
        JobRecord job = item.job();
        recorder.delivering(job);
        // Most jobs are delivered within milliseconds: a started event (a results record, and a
        // a job-store update) is worth writing only for those still running after a while.
        Vertx vertx = Vertx.currentContext().owner();
        long startedTimer = vertx.setTimer(STARTED_EVENT_AFTER_MS, id -> {
            try {
                recorder.started(job);
            } catch (RuntimeException e) {
                LOG.warn("region {}: started event of {} not written: {}", region.wireName(), job.id(), e.toString());
            }
        });
        runner.run(job, item.targets()).onComplete(ran -> {
            vertx.cancelTimer(startedTimer);
            DeliveryOutcome outcome = ran.result(); // JobRunner never fails
            // The destination and key are free as soon as the attempts ended; the offset only once
            // the outcome is acknowledged.
            delivered.add(item);
            recorder.finished(job, outcome).whenComplete((ok, error) -> {
                if (error == null) {
                    finishedOffsets.add(item.partition(), item.offset());
                } // else the writer was closed: the offset stays uncommitted and the job is read again
                running.get(item.partition()).decrementAndGet();
            });
        });
    }
}
