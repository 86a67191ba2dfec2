package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topology;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --topology FILE}: which Kafka cluster each region lives on (docs/regions.md). */
final class TopologyOptions {

    @Option(names = "--topology", paramLabel = "FILE",
            description = {"JSON: {\"home\": {\"bootstrap\", \"kafka_config\"?}, \"regions\": {\"<region>\": {\"bootstrap\","
                    + " \"kafka_config\"?}}} (kafka_config relative to the file). Each listed region's topic, workers' group,"
                    + " results and dead letters live on its own cluster; webhooks.jobs and the other regions on home."
                    + " --bootstrap names home when the file leaves it out. Without it: everything on --bootstrap."})
    Path topology;

    /**
     * The topology of the file, or everything on {@code home} without one; {@code home} (from
     * {@code --bootstrap}, may be null) is the file's home when the file leaves it out. Every
     * cluster's refusal ends the process ({@link AccessDeniedExit}).
     */
    Topology topology(KafkaConnection home) throws IOException {
        if (topology == null) {
            if (home == null) {
                throw new IllegalArgumentException("no Kafka cluster: give --bootstrap (or --topology FILE)");
            }
            return Topology.single(home);
        }
        return Topology.load(topology, home).withAccessDeniedHandler(AccessDeniedExit::exit);
    }

    /**
     * The command's topology: {@code --topology} with {@code --bootstrap} (may be null) naming home
     * when the file leaves it out; a bad file or no cluster at all is the command's usage error.
     */
    Topology resolve(picocli.CommandLine.Model.CommandSpec spec, KafkaClientOptions kafka, String bootstrap)
            throws IOException {
        try {
            return topology(bootstrap == null ? null : kafka.connection(bootstrap));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * For {@code up}: the regions with a cluster of their own; {@code home} is {@code up}'s embedded
     * broker, so the file must leave it out. Empty without {@code --topology}.
     */
    java.util.Map<dev.edgedispatcher.callback.Region, KafkaConnection> regionalBesides(KafkaConnection embedded)
            throws IOException {
        if (topology == null) {
            return java.util.Map.of();
        }
        Topology loaded = Topology.load(topology, embedded).withAccessDeniedHandler(AccessDeniedExit::exit);
        if (!loaded.home().bootstrapServers().equals(embedded.bootstrapServers())) {
            throw new IllegalArgumentException(topology + ": `up`'s home is its embedded broker: leave \"home\" out");
        }
        return loaded.regional();
    }
}
