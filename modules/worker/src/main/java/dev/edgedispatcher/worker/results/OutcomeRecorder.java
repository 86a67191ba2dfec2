package dev.edgedispatcher.worker.results;

import dev.edgedispatcher.backbone.DeadLetter;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how each job of a region ended: the final event on {@code webhooks.results}, a dead
 * letter for a poison record (plus a final {@code failed} event when it has an id), one log line,
 * and the {@code dispatcher_deliveries} / {@code dispatcher_poison_records} counters. The futures
 * complete only once Kafka acknowledged every write: that is when the offset may be committed.
 */
public final class OutcomeRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final String region;
    private final ResultWriter writer;
    private final MeterRegistry metrics;
    private final Map<JobState, Counter> deliveries = new java.util.EnumMap<>(JobState.class);
    private final Map<String, Counter> poison = new ConcurrentHashMap<>();
    private final Timer pickupDelay;

    public OutcomeRecorder(Region region, ResultWriter writer, MeterRegistry metrics) {
        this.region = region.wireName();
        this.writer = writer;
        this.metrics = metrics;
        this.pickupDelay = Timer.builder("dispatcher_pickup_delay")
                .description("from the scheduler's accept to the start of the job's delivery (Kafka, consumer, waiting"
                        + " for room), by the wall clocks of scheduler and worker")
                .tag("region", this.region).publishPercentileHistogram().register(metrics);
        // Both final outcomes from the start, at 0: an alert on their rate sees the first one.
        for (JobState state : List.of(JobState.DELIVERED, JobState.FAILED)) {
            deliveries.put(state, Counter.builder("dispatcher_deliveries")
                    .description("jobs that reached their final outcome (delivered or failed), by region")
                    .tag("region", this.region).tag("outcome", state.wireName()).register(metrics));
        }
        // Likewise every poison counter (its field labels are a fixed set): the dead-letter alert's
        // increase() sees the first poison record, not only the second.
        for (String field : JobValidator.fieldLabels()) {
            poisonCounter(field);
        }
    }

    private Counter poisonCounter(String fieldLabel) {
        return poison.computeIfAbsent(fieldLabel, key -> Counter.builder("dispatcher_poison_records")
                .description("region records that could not be delivered at all, by offending field")
                .tag("region", region).tag("field", key).register(metrics));
    }

    /** The job's delivery starts now: how long it took from the accept to here. */
    public void delivering(JobRecord job) {
        if (job.submittedAtMs() > 0) {
            pickupDelay.record(Math.max(0, System.currentTimeMillis() - job.submittedAtMs()), TimeUnit.MILLISECONDS);
        }
    }

    /** Best effort: the job's status turns in_flight. */
    public void started(JobRecord job) {
        writer.writeProgress(ResultEvent.started(job.id(), region));
    }

    public CompletableFuture<Void> finished(JobRecord job, DeliveryOutcome outcome) {
        deliveries.get(outcome.state()).increment();
        // One line per delivery: failures at INFO, successes at DEBUG (there are many). Written by the
        // writer's own thread, and the event serialised on its sending thread: a burst of expiries (a
        // thousand rt timers due at once) must not spend its event loop's time on log lines and JSON.
        return writer.writeFinal(ResultEvent.finalOutcome(job.id(), region, outcome.state(),
                outcome.deliveredBy().orElse(null), outcome.classesSeen(), outcome.reason()), () ->
                (outcome.delivered() ? LOG.atDebug() : LOG.atInfo())
                        .addKeyValue("job_id", job.id()).addKeyValue("region", region)
                        .addKeyValue("state", outcome.state()).addKeyValue("delivered_by", outcome.deliveredBy().orElse(null))
                        .addKeyValue("classes", String.join(",", outcome.classesSeen()))
                        .log("delivery {}: {}", outcome.state(), outcome.reason()));
    }

    /** The record goes to the DLQ with its reason; a record with an id also gets its final failed event. */
    public CompletableFuture<Void> poisoned(ConsumerRecord<String, byte[]> record, Optional<String> id, String reason,
            String field, String detail) {
        poisonCounter(JobValidator.fieldLabel(field)).increment();
        LOG.atWarn().addKeyValue("job_id", id.orElse(null)).addKeyValue("region", region)
                .addKeyValue("field", field)
                .log("poison record at {}-{}@{} to the DLQ: {}: {}", record.topic(), record.partition(), record.offset(),
                        reason, detail);
        CompletableFuture<Void> deadLetter = writer.writeDeadLetter(record.key(), DeadLetter.of(reason,
                field, detail, record.topic(), record.partition(), record.offset(), record.value()));
        if (id.isEmpty()) {
            return deadLetter;
        }
        deliveries.get(JobState.FAILED).increment();
        CompletableFuture<Void> finalEvent = writer.writeFinal(ResultEvent.finalOutcome(id.get(), region, JobState.FAILED,
                null, List.of(), reason + ": " + field + ": " + detail
                        + " (record sent to webhooks.dlq, nothing delivered)"));
        return CompletableFuture.allOf(deadLetter, finalEvent);
    }

}
