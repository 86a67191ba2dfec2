package dev.edgedispatcher.scheduler.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** docs/api.md, "HTTP API": a batch body is checked as it is read, before its jobs become trees. */
class BatchBodyTest {

    private static BatchBody.Read read(String body) {
        return BatchBody.read(body.getBytes(StandardCharsets.UTF_8), 3, 40);
    }

    @Test
    void theJobsOfAnArrayAreReadInOrder() {
        BatchBody.Read read = read(" [{\"url\": \"https://a.example/x\"}, {}, {\"id\": \"j\"}] ");
        assertThat(read.jobs()).hasValueSatisfying(jobs -> assertThat(jobs).extracting(Object::toString)
                .containsExactly("{\"url\":\"https://a.example/x\"}", "{}", "{\"id\":\"j\"}"));
        assertThat(read("[]").jobs()).hasValueSatisfying(jobs -> assertThat(jobs).isEmpty());
        // Elements that are not jobs are read as they are (the batch answers each with its error).
        assertThat(read("[\"not a job\", 42, null]").jobs()).hasValueSatisfying(jobs -> assertThat(jobs)
                .extracting(Object::toString).containsExactly("\"not a job\"", "42", "null"));
    }

    @Test
    void countingStopsAtTheFirstJobPastTheLimit() {
        // The rest of the body is not even valid JSON: it is never looked at.
        BatchBody.Read read = read("[{}, {}, {}, {}, this is not read");
        assertThat(read.status()).isEqualTo(413);
        assertThat(read.error()).hasValueSatisfying(error -> {
            assertThat(error.get("error").asText()).isEqualTo("too_many_jobs");
            assertThat(error.get("detail").asText()).contains("at most 3 jobs");
        });
    }

    @Test
    void aJobLargerThanOneJobMayBeIsRefusedBeforeItIsATree() {
        BatchBody.Read read = read("[{}, {\"params\": {\"a\": \"" + "x".repeat(50) + "\"}}]");
        assertThat(read.status()).isEqualTo(413);
        assertThat(read.error().orElseThrow().get("detail").asText()).startsWith("job 1 of the batch is").contains("at most 40 bytes");
    }

    @Test
    void whatIsNotABatchIsRefusedNamingTheBody() {
        assertThat(read("{\"url\": \"x\"}").error().orElseThrow().get("error").asText()).isEqualTo("invalid_body");
        assertThat(read("").error().orElseThrow().get("error").asText()).isEqualTo("malformed_json");
        assertThat(read("[{}, {]").error().orElseThrow().get("error").asText()).isEqualTo("malformed_json");
        assertThat(read("[{}").error().orElseThrow().get("error").asText()).isEqualTo("malformed_json");
        assertThat(read("[{}] [").error().orElseThrow().get("field").asText()).isEqualTo("body");
    }
}
