package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.KafkaTestSupport.raw;
import static dev.edgedispatcher.worker.KafkaTestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records that are not valid jobs, written straight to a region topic with a plain producer between
 * healthy jobs of the same ordering key (poison records, docs/api.md, "Kafka topics"): each goes
 * to the DLQ with its reason, gets a final failed outcome when it has an id, and holds up neither
 * its key nor the partition's offsets.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PoisonRecordTest {

    private static final Region REGION = Region.MUMBAI;

    @Test
    void poisonRecordsGoToTheDlqAndNeverHoldUpTheirKeyOrOffsets() throws Exception {
        String bootstrap = EmbeddedKafkaExtension.bootstrapServers();
        KafkaTestSupport.provision(bootstrap);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "call-" + run;
        try (RecordingServer receiver = new RecordingServer()) {
            String url = receiver.url("/hook");
            List<String> healthy = List.of("a", "b", "c", "d", "e").stream().map(name -> name + "-" + run).toList();
            // id -> the field the DLQ entry must name (null id: a record without a usable id)
            Map<String, String> poisonFields = new LinkedHashMap<>();
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            records.add(record(REGION, 0, job(healthy.get(0), url, key)));
            records.add(raw(REGION, 0, key, poison("p1-" + run, url, key, "\"params\": {\"a\": null}")));
            poisonFields.put("p1-" + run, "params.a");
            records.add(record(REGION, 0, job(healthy.get(1), url, key)));
            records.add(raw(REGION, 0, key, poison("p2-" + run, url, key, "\"method\": \"DELETE\"")));
            poisonFields.put("p2-" + run, "method");
            records.add(raw(REGION, 0, key, "{\"id\": \"p3-" + run + "\", \"kind\": \"answer_url\", \"region\": \"mumbai\", "
                    + "\"ordering_key\": \"" + key + "\"}"));
            poisonFields.put("p3-" + run, "url");
            records.add(record(REGION, 0, job(healthy.get(2), url, key)));
            records.add(raw(REGION, 0, key, "this is not JSON {"));
            records.add(raw(REGION, 0, key, poison("p5-" + run, url, key, "\"region\": \"mars\"")
                    .replace("\"region\": \"mumbai\", ", "")));
            poisonFields.put("p5-" + run, "region");
            records.add(raw(REGION, 0, key, poison("p6-" + run, url + "#ct=5", key, "\"params\": {}")));
            poisonFields.put("p6-" + run, "ct");
            records.add(record(REGION, 0, job(healthy.get(3), url, key)));
            records.add(raw(REGION, 0, key, "[1, 2, 3]"));
            records.add(raw(REGION, 0, key, null));
            records.add(raw(REGION, 0, key, poison("p9-" + run, url, key, "\"params\": {\"n\": 5}")));
            poisonFields.put("p9-" + run, "params.n");
            // A retry must carry a usable delivery id (docs/api.md, "Finding and redriving jobs"):
            // webhook-id is sent as is.
            records.add(raw(REGION, 0, key, poison("p10-" + run, url, key, "\"webhook_id\": \"a b\"")));
            poisonFields.put("p10-" + run, "webhook_id");
            records.add(record(REGION, 0, job(healthy.get(4), url, key)));
            KafkaTestSupport.publishRaw(bootstrap, records);

            try (WorkerService worker = WorkerService.start(WorkerConfig.defaults(bootstrap, Set.of(REGION),
                    Accounts.withDefault("t"), List.of(Cidr.parse("127.0.0.0/8"))).withMetricsPort(0),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> finals().keySet().containsAll(healthy)
                        && finals().keySet().containsAll(poisonFields.keySet()));
                // The healthy jobs of the key arrived in order, each once.
                assertThat(receiver.received("/hook").stream().map(request -> request.header("webhook-id"))
                        .filter(healthy::contains).toList()).containsExactlyElementsOf(healthy);
                Map<String, ResultEvent.Final> finals = finals();
                healthy.forEach(id -> assertThat(finals.get(id).state()).isEqualTo("delivered"));
                poisonFields.keySet().forEach(id -> {
                    assertThat(finals.get(id).state()).as(id).isEqualTo("failed");
                    assertThat(finals.get(id).reason()).as(id).contains("webhooks.dlq");
                });
                // Nothing of a poison record reached the receiver.
                assertThat(receiver.received("/hook")).hasSize(healthy.size());

                List<JsonNode> deadLetters = deadLetters(run, key);
                assertThat(deadLetters).hasSize(poisonFields.size() + 3);
                Map<String, String> fieldById = deadLetters.stream().filter(letter -> letter.has("original_value")
                                && letter.get("original_value").asText().startsWith("{\"id\""))
                        .collect(Collectors.toMap(letter -> readId(letter.get("original_value").asText()),
                                letter -> letter.get("field").asText()));
                assertThat(fieldById).isEqualTo(poisonFields);
                assertThat(deadLetters).extracting(letter -> letter.get("field").asText())
                        .contains("body", "body", "body");
                assertThat(deadLetters).allSatisfy(letter -> {
                    assertThat(letter.get("source_topic").asText()).isEqualTo(Topics.region(REGION));
                    assertThat(letter.get("detail").asText()).isNotBlank();
                });

                // Every offset was finished and committed, poison ones included.
                TopicPartition partition = new TopicPartition(Topics.region(REGION), 0);
                long end = KafkaTestSupport.readAll(bootstrap, Topics.region(REGION)).stream()
                        .filter(record -> record.partition() == 0).mapToLong(ConsumerRecord::offset).max().orElseThrow() + 1;
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        KafkaTestSupport.committed(bootstrap, RegionWorker.groupOf(REGION), partition) == end);

                // And the process says so.
                HttpClient http = HttpClient.newHttpClient();
                for (String probe : List.of("/health/live", "/health/ready")) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + worker.metricsPort() + probe)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as(probe).isEqualTo(200);
                    assertThat(answer.body()).contains("\"status\":\"up\"", "\"consumer-mumbai\"", "\"result-writer\"");
                }
            }
        }
    }

    private static JobRecord job(String id, String url, String orderingKey) {
        return JobRecord.builder(id, url, REGION.wireName()).params(Map.of("CallUUID", id)).orderingKey(orderingKey).build();
    }

    private static String poison(String id, String url, String orderingKey, String extra) {
        return "{\"id\": \"" + id + "\", \"url\": \"" + url + "\", \"kind\": \"answer_url\", \"region\": \"mumbai\", "
                + "\"ordering_key\": \"" + orderingKey + "\", " + extra + "}";
    }

    private static String readId(String json) {
        try {
            return RecordJson.MAPPER.readTree(json).get("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, ResultEvent.Final> finals() {
        return KafkaTestSupport.firstFinals(EmbeddedKafkaExtension.bootstrapServers());
    }

    private static List<JsonNode> deadLetters(String run, String key) throws Exception {
        List<JsonNode> letters = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : KafkaTestSupport.readAll(EmbeddedKafkaExtension.bootstrapServers(),
                Topics.DLQ)) {
            if (key.equals(record.key())) {
                letters.add(RecordJson.MAPPER.readTree(record.value()));
            }
        }
        return letters;
    }
}
