package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which Kafka cluster holds what (docs/regions.md): {@code webhooks.jobs} lives on {@code home};
 * each region's topic, its workers' group and the results and dead letters they write live on the
 * region's own cluster, or on {@code home} for a region without one. Without {@code --topology}
 * everything is on one cluster ({@link #single}).
 *
 * @param home     the cluster of {@code webhooks.jobs} and of the regions without a cluster of their own
 * @param regional the regions with a cluster of their own
 */
public record Topology(KafkaConnection home, Map<Region, KafkaConnection> regional) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Topology {
        Objects.requireNonNull(home, "home");
        Map<Region, KafkaConnection> copy = new EnumMap<>(Region.class);
        copy.putAll(regional);
        regional = java.util.Collections.unmodifiableMap(copy);
    }

    /** Everything on one cluster: no {@code --topology}. */
    public static Topology single(KafkaConnection home) {
        return new Topology(home, Map.of());
    }

    /** The cluster of {@code region}'s topic, workers' group, results and dead letters. */
    public KafkaConnection of(Region region) {
        return regional.getOrDefault(region, home);
    }

    /** Whether {@code region} has a cluster of its own. */
    public boolean hasOwnCluster(Region region) {
        return regional.containsKey(region);
    }

    /** Whether everything is on one cluster. */
    public boolean isSingle() {
        return regional.isEmpty();
    }

    /**
     * One cluster and what lives on it.
     *
     * @param name        {@code home}, or the region whose cluster it is
     * @param connection  how to reach it
     * @param regions     the regions whose topics live on it
     * @param home        whether it is {@code home} (it holds {@code webhooks.jobs})
     */
    public record Cluster(String name, KafkaConnection connection, Set<Region> regions, boolean home) {
        /** The topics that live on this cluster, with the layout's partition counts. */
        public Map<String, Integer> topics(TopicLayout layout) {
            Map<String, Integer> topics = new LinkedHashMap<>();
            if (home) {
                topics.put(Topics.JOBS, layout.jobsPartitions());
            }
            for (Region region : regions) {
                topics.put(Topics.region(region), layout.regionPartitions());
            }
            topics.put(Topics.RESULTS, layout.resultsPartitions());
            topics.put(Topics.DLQ, layout.dlqPartitions());
            return topics;
        }
    }

    /** Every cluster: {@code home} first (with the regions that have no cluster of their own), then each region's. */
    public List<Cluster> clusters() {
        List<Cluster> clusters = new ArrayList<>();
        Set<Region> onHome = EnumSet.allOf(Region.class);
        onHome.removeAll(regional.keySet());
        clusters.add(new Cluster("home", home, Set.copyOf(onHome), true));
        regional.forEach((region, connection) -> clusters.add(new Cluster(region.wireName(), connection, Set.of(region), false)));
        return clusters;
    }

    /**
     * Reads a topology file: {@code {"home": {"bootstrap", "kafka_config"?}, "regions": {"<region>":
     * {"bootstrap", "kafka_config"?}}}}, {@code kafka_config} relative to the file. {@code home} may
     * be left out when {@code defaultHome} is given ({@code up}'s embedded broker, or
     * {@code --bootstrap}). Errors name the file, the field, the value and what is allowed.
     */
    public static Topology load(Path file, KafkaConnection defaultHome) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a JSON topology: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a topology is a JSON object with \"home\" and \"regions\"");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("home") && !name.equals("regions")) {
                throw new IllegalArgumentException(file + ": unknown field \"" + name + "\"; allowed: home, regions");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        KafkaConnection home;
        if (root.hasNonNull("home")) {
            home = cluster(file, dir, "home", root.get("home"));
        } else if (defaultHome != null) {
            home = defaultHome;
        } else {
            throw new IllegalArgumentException(file + ": \"home\" is missing and no --bootstrap names it");
        }
        Map<Region, KafkaConnection> regional = new EnumMap<>(Region.class);
        JsonNode regions = root.get("regions");
        if (regions != null && !regions.isNull()) {
            if (!regions.isObject()) {
                throw new IllegalArgumentException(file + ": \"regions\" must be an object of region name to cluster");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = regions.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Region region = Region.fromWireName(entry.getKey()).orElseThrow(() -> new IllegalArgumentException(file
                        + ": regions: unknown region \"" + entry.getKey() + "\"; allowed: " + Region.allWireNames()));
                regional.put(region, cluster(file, dir, "regions." + entry.getKey(), entry.getValue()));
            }
        }
        return new Topology(home, regional);
    }

    private static KafkaConnection cluster(Path file, Path dir, String where, JsonNode node) throws IOException {
        if (!node.isObject()) {
            throw new IllegalArgumentException(file + ": " + where + " must be an object with \"bootstrap\" and optionally"
                    + " \"kafka_config\"");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("bootstrap") && !name.equals("kafka_config")) {
                throw new IllegalArgumentException(file + ": " + where + ": unknown field \"" + name
                        + "\"; allowed: bootstrap, kafka_config");
            }
        }
        JsonNode bootstrap = node.get("bootstrap");
        if (bootstrap == null || !bootstrap.isTextual() || bootstrap.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": " + where + ".bootstrap must be a non-empty string of"
                    + " host:port pairs, not " + bootstrap);
        }
        JsonNode config = node.get("kafka_config");
        if (config == null || config.isNull()) {
            return KafkaConnection.plaintext(bootstrap.asText());
        }
        if (!config.isTextual()) {
            throw new IllegalArgumentException(file + ": " + where + ".kafka_config must be a file path, not " + config);
        }
        Path properties = dir.resolve(config.asText());
        if (!Files.isReadable(properties)) {
            throw new IllegalArgumentException(file + ": " + where + ".kafka_config: cannot read " + properties);
        }
        return KafkaConnection.fromFile(bootstrap.asText(), properties);
    }

    /** The same topology, each cluster telling {@code handler} when Kafka refuses the process for good. */
    public Topology withAccessDeniedHandler(java.util.function.Consumer<KafkaAccessDenied> handler) {
        Map<Region, KafkaConnection> handled = new EnumMap<>(Region.class);
        regional.forEach((region, connection) -> handled.put(region, connection.withAccessDeniedHandler(handler)));
        return new Topology(home.withAccessDeniedHandler(handler), handled);
    }
}
