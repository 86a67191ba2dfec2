package dev.edgedispatcher.embeddedkafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link EmbeddedKafkaBroker#start(Path, int, SaslSslListener)} secures its client listener:
 * SASL_SSL with SCRAM-SHA-512, TLS with the given PKCS12 keystore (a certificate for IP 127.0.0.1)
 * and a PEM truststore of the CA, and ACLs enforced by {@code StandardAuthorizer} (no ACL means
 * deny). {@code adminUser} is created at format time and is the one super user besides the
 * PLAINTEXT controller listener's {@code User:ANONYMOUS} (loopback only). For tests of secured
 * clients; more users are added with {@code Admin.alterUserScramCredentials}.
 */
public record SaslSslListener(Path keystore, String keystorePassword, Path caPem, String adminUser, String adminPassword) {

    public SaslSslListener {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        Objects.requireNonNull(caPem, "caPem");
        Objects.requireNonNull(adminUser, "adminUser");
        Objects.requireNonNull(adminPassword, "adminPassword");
    }

    /** Client settings for {@code user} on this listener (the content of a {@code --kafka-config} file). */
    public Map<String, String> clientProperties(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", jaas(user, password),
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", caPem.toAbsolutePath().toString());
    }

    /** The broker's settings for the listener named SASL_SSL. */
    Map<String, String> brokerProperties() {
        return Map.ofEntries(
                Map.entry("sasl.enabled.mechanisms", "SCRAM-SHA-512"),
                Map.entry("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512"),
                Map.entry("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(adminUser, adminPassword)),
                Map.entry("ssl.keystore.type", "PKCS12"),
                Map.entry("ssl.keystore.location", keystore.toAbsolutePath().toString()),
                Map.entry("ssl.keystore.password", keystorePassword),
                Map.entry("ssl.key.password", keystorePassword),
                Map.entry("ssl.truststore.type", "PEM"),
                Map.entry("ssl.truststore.location", caPem.toAbsolutePath().toString()),
                Map.entry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                // The broker reaches its own controller over the PLAINTEXT loopback listener as ANONYMOUS.
                Map.entry("super.users", "User:" + adminUser + ";User:ANONYMOUS"),
                Map.entry("allow.everyone.if.no.acl.found", "false"));
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
