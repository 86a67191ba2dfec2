package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaConnection;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --kafka-config FILE}: the Kafka client settings of every producer, consumer and admin client of the process. */
final class KafkaClientOptions {

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = {"Java properties of standard Kafka client settings (security.protocol, sasl.*, ssl.*, timeouts, "
                    + "...) applied to every producer, consumer and admin client. Not allowed: acks, idempotence, "
                    + "serialisers, group and client ids, offset commits (the dispatcher sets them). A wrong password "
                    + "or a missing ACL ends the process with exit code 3."})
    Path kafkaConfig;

    /** The connection to {@code bootstrap}; a refusal by Kafka ends the process ({@link AccessDeniedExit}). */
    KafkaConnection connection(String bootstrap) throws IOException {
        KafkaConnection kafka = kafkaConfig == null ? KafkaConnection.plaintext(bootstrap)
                : KafkaConnection.fromFile(bootstrap, kafkaConfig);
        return kafka.withAccessDeniedHandler(AccessDeniedExit::exit);
    }
}
