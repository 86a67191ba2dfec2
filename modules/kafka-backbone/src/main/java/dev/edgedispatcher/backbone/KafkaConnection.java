package dev.edgedispatcher.backbone;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * How a process reaches its Kafka cluster: the bootstrap servers, the standard client settings of
 * {@code --kafka-config FILE} ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...) that
 * {@link KafkaClientSettings} applies to every producer, consumer and admin client, and what the
 * process does when Kafka refuses it for good ({@link KafkaAccessDenied}: the CLI exits).
 *
 * @param bootstrapServers Kafka bootstrap address ({@code --bootstrap})
 * @param clientProperties the file's settings; never one of {@link KafkaClientSettings#PRODUCT_OWNED}
 * @param onAccessDenied   told once per refusal by any loop of the process; it must not block
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties,
        Consumer<KafkaAccessDenied> onAccessDenied) {

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(onAccessDenied, "onAccessDenied");
        Set<String> owned = new TreeSet<>(clientProperties.keySet());
        owned.retainAll(KafkaClientSettings.PRODUCT_OWNED);
        if (!owned.isEmpty()) {
            throw new IllegalArgumentException("the Kafka client settings may not set " + owned
                    + ": the dispatcher sets them itself (delivery guarantees, serialisation, groups)");
        }
    }

    /** A plaintext, unauthenticated cluster (the embedded broker of {@code up}, tests). */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of(), KafkaAccessDenied::logOnce);
    }

    /**
     * The settings of a Java properties file; {@code bootstrap.servers} there is used when
     * {@code bootstrapServers} is null (the flag wins). Throws IllegalArgumentException naming a
     * key the dispatcher owns.
     */
    public static KafkaConnection fromFile(String bootstrapServers, Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> settings.put(key.trim(), properties.getProperty(key).trim()));
        String fromFile = settings.remove("bootstrap.servers");
        String bootstrap = bootstrapServers != null ? bootstrapServers : fromFile;
        if (bootstrap == null) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: give --bootstrap or bootstrap.servers in " + file);
        }
        try {
            return new KafkaConnection(bootstrap, settings, KafkaAccessDenied::logOnce);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The same connection, telling {@code handler} when Kafka refuses the process for good. */
    public KafkaConnection withAccessDeniedHandler(Consumer<KafkaAccessDenied> handler) {
        return new KafkaConnection(bootstrapServers, clientProperties, handler);
    }

    /** The same settings against another bootstrap address. */
    public KafkaConnection withBootstrap(String bootstrap) {
        return new KafkaConnection(bootstrap, clientProperties, onAccessDenied);
    }

    /** Reports a refusal that no retry can fix (see {@link KafkaAccessDenied#of}). */
    public void accessDenied(KafkaAccessDenied denied) {
        onAccessDenied.accept(denied);
    }

    /** What may be printed: the security protocol, never a password. */
    public String describe() {
        return bootstrapServers + " (" + clientProperties.getOrDefault("security.protocol", "PLAINTEXT") + ")";
    }

    @Override
    public String toString() {
        return "KafkaConnection[" + describe() + ", settings " + clientProperties.keySet() + "]";
    }
}
