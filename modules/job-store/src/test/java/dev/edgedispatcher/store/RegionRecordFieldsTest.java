package dev.edgedispatcher.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sink's one-pass read of a region record gives the row that the record parsed as a
 * {@code JobRecord} gives, and refuses (so the sink skips) what a {@code JobRecord} cannot be read from.
 */
class RegionRecordFieldsTest {

    private static final String TOPIC = "webhooks.region.mumbai";

    @Test
    void readsTheSameRowAsTheWholeRecord() throws IOException {
        ObjectNode resolution = JsonNodeFactory.instance.objectNode().put("mode", "nearest").put("region", "mumbai");
        resolution.putArray("tried").add("n_virginia").addObject().put("é", "\u00fc\"\\");
        ObjectNode policy = JsonNodeFactory.instance.objectNode().put("ct", 2000).put("rt", 1.5).putNull("fallback");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("CallUUID", "{\"not\": \"json\"}");
        params.put("Digits", "1#");
        JobRecord retry = JobRecord.builder("job-é-1", "https://Hooks.Example.com/a?x=1#ct=2&er=nearest", "mumbai")
                .account("acme").params(params).resolution(resolution).policy(policy).orderingKey("call-7")
                .submittedAt(Instant.parse("2026-12-08T03:00:00.123Z")).build()
                .retriedAs("job-é-2", 1_765_000_000_000L);
        JobRecord plain = JobRecord.builder("plain", "http://h/", "mumbai").body("{\"a\":[1,2,{}]}", "application/json")
                .build();
        for (JobRecord job : new JobRecord[] {retry, plain}) {
            AcceptedJob read = AcceptedJob.read(RecordJson.write(job), TOPIC, 3, 42);
            assertThat(read).isEqualTo(AcceptedJob.of(job, TOPIC, 3, 42));
        }
        assertThat(AcceptedJob.read(RecordJson.write(retry), TOPIC, 3, 42).policy())
                .isEqualTo("{\"ct\":2000,\"rt\":1.5,\"fallback\":null}");
    }

    @Test
    void readsScalarsAsJacksonReadsThemIntoAJobRecord() throws IOException {
        String json = "{\"id\":7,\"url\":\"u\",\"kind\":\"k\",\"method\":\"POST\",\"region\":\"mumbai\","
                + "\"submitted_at_ms\":\"1765000000000\",\"resolution\":\"text\",\"policy\":null,\"params\":{\"a\":null},"
                + "\"extra\":[{\"deep\":[]}]}";
        AcceptedJob read = AcceptedJob.read(json.getBytes(StandardCharsets.UTF_8), TOPIC, 0, 0);
        JobRecord whole = RecordJson.read(json.getBytes(StandardCharsets.UTF_8), JobRecord.class);
        assertThat(read).isEqualTo(AcceptedJob.of(whole, TOPIC, 0, 0));
        assertThat(read.id()).isEqualTo("7");
        assertThat(read.submittedAtMs()).isEqualTo(1_765_000_000_000L);
        assertThat(read.resolution()).isEqualTo("\"text\"");
        assertThat(read.policy()).isNull();
    }

    @Test
    void readsRecordsOutsideTheFastPathAsTheWholeJobDoes() throws IOException {
        String fields = "\"id\":\"a\",\"url\":\"u\",\"kind\":\"k\",\"method\":\"POST\",\"region\":\"mumbai\"";
        String[] records = {
            // A lone surrogate escaped in the policy: kept as the tree gives it, not as raw text PostgreSQL refuses.
            "{" + fields + ",\"policy\":{\"note\":\"\\ud800 and \\u00e9\"},\"resolution\":[1,{\"x\":\"\\\\users\"}]}",
            // Empty and "null" text read as Jackson reads them into a long.
            "{" + fields + ",\"submitted_at_ms\":\"\"}",
            "{" + fields + ",\"submitted_at_ms\":\" null \"}",
        };
        for (String json : records) {
            byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
            AcceptedJob whole = AcceptedJob.of(RecordJson.read(utf8, JobRecord.class), TOPIC, 0, 0);
            assertThat(AcceptedJob.read(utf8, TOPIC, 0, 0)).as(json).isEqualTo(whole);
            // UTF-16: no byte offsets, so the trees are read and written again.
            assertThat(AcceptedJob.read(json.getBytes(StandardCharsets.UTF_16BE), TOPIC, 0, 0)).as(json).isEqualTo(whole);
        }
        assertThatThrownBy(() -> AcceptedJob.read(null, TOPIC, 0, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("no value");
    }

    @Test
    void refusesWhatNoJobRecordCanBeReadFrom() {
        String good = "\"id\":\"a\",\"url\":\"u\",\"kind\":\"k\",\"method\":\"POST\",\"region\":\"mumbai\"";
        String[] unreadable = {
            "not json",
            "[1]",
            "{" + good,
            "{" + good + ",\"submitted_at_ms\":\"soon\"}",
            "{" + good + ",\"account\":{\"name\":\"acme\"}}",
            "{\"url\":\"u\",\"kind\":\"k\",\"method\":\"POST\",\"region\":\"mumbai\"}",
            "{\"id\":\"a\",\"kind\":\"k\",\"method\":\"POST\",\"region\":\"mumbai\"}",
            "{\"id\":\"a\",\"url\":\"u\",\"method\":\"POST\",\"region\":\"mumbai\"}",
            "{\"id\":\"a\",\"url\":\"u\",\"kind\":\"k\",\"region\":\"mumbai\"}",
            "{\"id\":\"a\",\"url\":\"u\",\"kind\":\"k\",\"method\":\"POST\",\"region\":null}",
        };
        for (String value : unreadable) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> RecordJson.read(bytes, JobRecord.class)).as(value).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> AcceptedJob.read(bytes, TOPIC, 0, 0)).as(value).isInstanceOf(IOException.class);
        }
    }
}
