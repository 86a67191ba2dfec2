package dev.edgedispatcher.bench;

import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import java.nio.file.Path;

/** The embedded broker in a JVM of its own, so a benchmark's heap figures are its own. Args: dataDir. */
public final class BrokerProcess {

    private BrokerProcess() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), 0);
        System.out.println("kafka bootstrap: " + broker.bootstrapServers());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
