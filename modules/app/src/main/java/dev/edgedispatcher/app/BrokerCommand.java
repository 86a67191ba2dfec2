package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.TopicProvisioner;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dispatcher broker}: the embedded single-node KRaft broker as a process of its own
 * (docs/operations.md), on a fixed port, keeping its data: restarted on the same data dir and port
 * (also after a kill -9) it serves every topic and record again. It creates the topics, so that
 * scheduler and workers started as separate processes find them. Not the production Kafka.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs the embedded single-node Kafka broker (KRaft) alone, for development and fault tests.",
                "It creates the topics at start.",
                "Restart it on the same --data-dir and --kafka-port to get every record back.",
                "Ctrl-C (SIGTERM) stops it cleanly.",
                "Production uses an existing Kafka cluster instead."})
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Kafka listener port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: a free port, printed).")
    int kafkaPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the broker keeps its data, in DIR/kafka as `up` does (default: $XDG_DATA_HOME/edge-dispatcher"
                    + " or ~/.local/share/edge-dispatcher).")
    Path dataDir;

    @Mixin
    KafkaOptions kafkaOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path data = dataDir != null ? dataDir : UpCommand.defaultDataDir();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), kafkaPort);
        try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(broker.bootstrapServers())))) {
            new TopicProvisioner(admin).ensure(kafkaOptions.layout(), Duration.ofSeconds(60));
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("broker: stopping...");
            out.flush();
            broker.close();
            try {
                Files.deleteIfExists(data.resolve(UpCommand.BOOTSTRAP_FILE));
            } catch (java.io.IOException e) {
                // best effort: a stale file only points `scale` at a broker that is gone
            }
            out.println("broker: stopped; data kept in " + data.toAbsolutePath());
            out.flush();
            stopped.countDown();
        }, "broker-shutdown"));
        Files.writeString(data.resolve(UpCommand.BOOTSTRAP_FILE), broker.bootstrapServers());
        out.println("broker: data dir " + data.toAbsolutePath() + ", topics ready");
        out.println("kafka bootstrap: " + broker.bootstrapServers());
        out.println("next: dispatcher scheduler --bootstrap " + broker.bootstrapServers()
                + " and dispatcher worker --bootstrap " + broker.bootstrapServers() + " --region R");
        out.flush();
        stopped.await();
        return 0;
    }
}
