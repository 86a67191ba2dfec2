package dev.edgedispatcher.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * A record the Kafka client refuses before taking it (no metadata within its wait: Kafka 4 reports
 * this through the callback, from inside {@code send()}) was never written: it fails as
 * {@link NotSentException}, so the scheduler answers "not accepted" rather than "in doubt".
 */
class AckedProducerTest {

    @Test
    void aRecordTheClientNeverTookIsNotSent() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed: nobody listens there
        }
        try (AckedProducer producer = new AckedProducer(KafkaConnection.plaintext("127.0.0.1:" + port), "acked-test")) {
            CompletableFuture<RecordMetadata> sent = producer.send(new ProducerRecord<>("webhooks.region.frankfurt", "k",
                    new byte[] {1}), Duration.ofSeconds(30));
            try {
                sent.get(KafkaClientSettings.MAX_BLOCK_MS + 10_000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException expected) {
                assertThat(expected.getCause()).isInstanceOf(NotSentException.class);
                assertThat(NotSentException.mayHaveBeenWritten(expected.getCause())).isFalse();
                return;
            }
            throw new AssertionError("a send to a cluster nobody serves succeeded");
        }
    }
}
