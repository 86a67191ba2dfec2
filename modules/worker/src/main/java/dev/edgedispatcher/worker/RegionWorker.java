package dev.edgedispatcher.worker;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.health.HealthComponent;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.consume.FinishedOffsets;
import dev.edgedispatcher.worker.consume.RegionConsumerLoop;
import dev.edgedispatcher.worker.dispatch.DeliverySlots;
import dev.edgedispatcher.worker.dispatch.JobDispatcher;
import dev.edgedispatcher.worker.dispatch.JobParker;
import dev.edgedispatcher.worker.dispatch.JobRunner;
import dev.edgedispatcher.worker.results.OutcomeRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * One region's worker, assembled: the poll loop ({@link RegionConsumerLoop}), the dispatcher that
 * validates, orders, admits and hands jobs to the event loops ({@link JobDispatcher}), and the
 * recorder of outcomes ({@link OutcomeRecorder}). Consumer group
 * {@code edge-dispatcher-workers-<region>}: more processes scale the region.
 */
public final class RegionWorker implements AutoCloseable {

    private final RegionConsumerLoop loop;

    public RegionWorker(Region region, KafkaConnection kafka, List<Context> eventLoops, JobRunner runner,
            OutcomeRecorder recorder, JobParker parker, WorkerConfig config, DeliverySlots slots, MeterRegistry metrics) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClientSettings.workerConsumer(kafka,
                groupOf(region), "worker-" + region.wireName()));
        FinishedOffsets finished = new FinishedOffsets();
        JobDispatcher dispatcher = new JobDispatcher(region, eventLoops, runner, recorder, finished,
                config.maxConnectionsPerDestination(), slots, parker, metrics);
        this.loop = new RegionConsumerLoop(region, consumer, dispatcher, finished, config.maxInFlight(),
                config.commitWindow(), metrics, kafka::accessDenied);
    }

    /** The consumer group of a region's workers. */
    public static String groupOf(Region region) {
        return Topics.workerGroup(region);
    }

    public void start() {
        loop.start();
    }

    public HealthComponent health() {
        return loop.health();
    }

    /** Stops reading, lets in-flight jobs finish (up to 10 s) and commits. */
    @Override
    public void close() throws InterruptedException {
        loop.close();
    }
}
