package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaBroker;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.scheduler.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/regions.md: `up --topology FILE` keeps home on its embedded broker and puts frankfurt on a
 * cluster of its own (here a second broker): a frankfurt job is written and delivered there; `scale
 * --topology FILE` adds a frankfurt worker that joins the group on that cluster.
 */
class UpTopologyTest {

    @Test
    void upAndScaleWithATopologyPutFrankfurtOnItsOwnCluster(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "up-topology-logs"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path noGeoIp = Files.createDirectories(dir.resolve("no-geoip"));
        try (EmbeddedKafkaBroker frankfurt = EmbeddedKafkaBroker.start(dir.resolve("frankfurt"), 0);
                WebhookReceiver receiver = new WebhookReceiver()) {
            Path topology = dir.resolve("topology.json");
            Files.writeString(topology, "{\"regions\": {\"frankfurt\": {\"bootstrap\": \"" + frankfurt.bootstrapServers() + "\"}}}");
            try (ChildProcess up = ChildProcess.dispatcher("up-topology", logs.resolve("up.log"), 768, "up", "--data-dir",
                    data.toString(), "--port", "0", "--geoip-dir", noGeoIp.toString(), "--topology", topology.toString())) {
                String http = up.awaitLine("http: ", Duration.ofSeconds(90)).substring("http: ".length()).trim();
                assertThat(up.awaitLine("region frankfurt on its own cluster: ", Duration.ofSeconds(90)))
                        .contains(frankfurt.bootstrapServers());
                up.awaitLine("ready:", Duration.ofSeconds(90));
                ApiClient api = ApiClient.of(http);
                var answer = api.post("/v1/jobs", "{\"id\": \"up-topology-1\", \"url\": \"" + receiver.url("/hook")
                        + "#er=frankfurt\"}");
                assertThat(answer.status()).as(answer.text()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                        api.get("/v1/jobs/up-topology-1").json().path("state").asText().equals("delivered"));
                assertThat(receiver.seenIds()).contains("up-topology-1");
                assertThat(TopicContents.readAll(frankfurt.bootstrapServers(), Topics.region(Region.FRANKFURT)))
                        .anySatisfy(record -> assertThat(new String(record.headers().lastHeader(Topics.JOB_ID_HEADER).value(),
                                StandardCharsets.UTF_8)).isEqualTo("up-topology-1"));

                CommandRun scaled = CommandRun.dispatcher("scale", "--region", "frankfurt", "--workers", "2", "--data-dir",
                        data.toString(), "--topology", topology.toString());
                try {
                    assertThat(scaled.exitCode()).as(scaled.out() + scaled.err()).isZero();
                    try (Admin admin = Admin.create(KafkaClientSettings.admin(KafkaConnection.plaintext(
                            frankfurt.bootstrapServers())))) {
                        String group = Topics.workerGroup(Region.FRANKFURT);
                        assertThat(admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group)
                                .members()).as("frankfurt's group on frankfurt's cluster").hasSize(2);
                    }
                } finally {
                    CommandRun.dispatcher("scale", "--region", "frankfurt", "--workers", "1", "--data-dir", data.toString(),
                            "--topology", topology.toString());
                }
            }
        }
    }
}
