package dev.edgedispatcher.app;

import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.scheduler.SchedulerService;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Everything {@code dispatcher up} runs in one process: the embedded broker (data kept in
 * {@code dataDir/kafka}), the scheduler and, once they exist, the region workers. Closing stops them
 * in reverse order and keeps the data.
 */
final class LocalStack implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final SchedulerService scheduler;

    private LocalStack(EmbeddedKafkaBroker broker, SchedulerService scheduler) {
        this.broker = broker;
        this.scheduler = scheduler;
    }

    /** Starts the broker, then the scheduler configured by {@code schedulerConfig(bootstrap)}. */
    static LocalStack start(Path dataDir, int kafkaPort, Function<String, SchedulerConfig> schedulerConfig) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort);
        try {
            SchedulerService scheduler = SchedulerService.start(schedulerConfig.apply(broker.bootstrapServers()));
            return new LocalStack(broker, scheduler);
        } catch (Exception e) {
            broker.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    int httpPort() {
        return scheduler.port();
    }

    @Override
    public void close() {
        try {
            scheduler.close();
        } finally {
            broker.close();
        }
    }
}
