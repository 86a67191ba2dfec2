package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.store.JobStoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two scheduler replicas against one Kafka cluster and one job store: each answers for the other's jobs; an id is published once. */
@ExtendWith(EmbeddedKafkaExtension.class)
class SchedulerReplicasTest {

    private static SchedulerService replica(JobStoreConfig store) throws Exception {
        return SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(store).withPort(0));
    }

    private static ApiResponse post(SchedulerService replica, String body) throws Exception {
        return ApiClient.local(replica.port()).post("/v1/jobs", body);
    }

    @Test
    void aJobAcceptedByOneIsReadFromTheOtherAndOneIdSentToBothIsPublishedOnce() throws Exception {
        JobStoreConfig store = TestStores.fresh();
        try (SchedulerService first = replica(store); SchedulerService second = replica(store);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(
                        KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()), "replicas-test"))) {
            String id = "replica-" + UUID.randomUUID();
            ApiResponse accepted = post(first, "{\"id\": \"" + id + "\", \"url\": \"https://example.com/a#er=mumbai\"}");
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(ResultEvent.finalOutcome(id, "mumbai",
                    JobState.DELIVERED, "primary", List.of(), null)))).get();
            // A fresh store's sink first backfills all the shared test broker holds (every earlier test's
            // records): generous bounds here; the 1 s visibility at a steady rate is a benchmark's.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                ApiResponse status = ApiClient.local(second.port()).get("/v1/jobs/" + id);
                assertThat(status.status()).as(status.text()).isEqualTo(200);
                assertThat(status.json().get("state").asText()).isEqualTo("delivered");
            });
            // A repeat to the other replica: answered as a repeat, nothing published.
            ApiResponse repeat = post(second, "{\"id\": \"" + id + "\", \"url\": \"https://example.com/a#er=mumbai\"}");
            assertThat(repeat.status()).as(repeat.text()).isEqualTo(202);
            assertThat(repeat.json().get("duplicate").asBoolean()).isTrue();

            // Twenty ids, each sent to both replicas at the same moment.
            List<String> ids = new ArrayList<>();
            List<CompletableFuture<ApiResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String raced = "race-" + i + "-" + UUID.randomUUID();
                ids.add(raced);
                String body = "{\"id\": \"" + raced + "\", \"url\": \"https://example.com/r#er=singapore\"}";
                for (SchedulerService replica : List.of(first, second)) {
                    answers.add(ApiClient.local(replica.port()).sendAsync("POST", "/v1/jobs", body));
                }
            }
            int accepts = 0;
            for (CompletableFuture<ApiResponse> answer : answers) {
                ApiResponse response = answer.get();
                JsonNode document = response.json();
                if (response.status() == 202) {
                    accepts += document.path("duplicate").asBoolean() ? 0 : 1;
                } else {
                    // The loser of a race may be told to ask again: never a second publish.
                    assertThat(response.status()).as(response.text()).isEqualTo(503);
                    assertThat(document.get("error").asText()).isEqualTo("in_doubt");
                    assertThat(document.get("id").asText()).isIn(ids);
                }
            }
            assertThat(accepts).isEqualTo(20);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var records = TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.SINGAPORE));
                for (String raced : ids) {
                    assertThat(records.stream().filter(record -> raced.equals(record.key())).count()).as(raced).isEqualTo(1);
                }
            });
            // Every one of them, asked again on either replica, is a repeat: once the store's sink has
            // the record (until then the replica that lost the race says in_doubt, never accepts it anew).
            for (String raced : ids) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    ApiResponse again = post(second, "{\"id\": \"" + raced
                            + "\", \"url\": \"https://example.com/r#er=singapore\"}");
                    assertThat(again.status()).as(again.text()).isEqualTo(202);
                    assertThat(again.json().get("duplicate").asBoolean()).isTrue();
                });
            }
        }
    }
}
