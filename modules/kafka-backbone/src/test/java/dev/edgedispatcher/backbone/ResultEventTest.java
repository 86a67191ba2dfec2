package dev.edgedispatcher.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultEventTest {

    private static final ResultEvent.Attempt OK = ResultEvent.attempt("j1", "mumbai", "https://example.com/a", "primary", 2,
            ResultEvent.OUTCOME_OK, 200, "HTTP 200", "2026-12-01T10:00:00Z", 7);

    @Test
    void aFinalEventCarriesItsLastAttemptThroughJson() throws Exception {
        ResultEvent written = ResultEvent.finalOutcome("j1", "mumbai", JobState.DELIVERED, "primary", List.of("5xx"), "HTTP 200")
                .withLastAttempt(OK);

        String json = new String(RecordJson.write(written), java.nio.charset.StandardCharsets.UTF_8);
        ResultEvent read = RecordJson.read(RecordJson.write(written), ResultEvent.class);

        assertThat(json).startsWith("{\"type\":\"final\"").contains("\"last_attempt\":{\"type\":\"attempt\"");
        assertThat(read).isEqualTo(written);
        assertThat(read.attemptsRecorded()).containsExactly(OK);
    }

    @Test
    void attemptsRecordedReadsBothForms() {
        assertThat(OK.attemptsRecorded()).containsExactly(OK);
        assertThat(ResultEvent.finalOutcome("j1", "mumbai", JobState.FAILED, null, List.of("rt"), "rt").attemptsRecorded()).isEmpty();
        assertThat(ResultEvent.started("j1", "mumbai").attemptsRecorded()).isEmpty();
    }

    @Test
    void onlyAFinalEventCarriesAnAttemptOfItsOwnJob() {
        ResultEvent.Final finalEvent = ResultEvent.finalOutcome("j2", "mumbai", JobState.DELIVERED, "primary", List.of(),
                "HTTP 200");
        assertThatThrownBy(() -> finalEvent.withLastAttempt(OK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("j1").hasMessageContaining("j2");
        // Only a final event can carry one at all: Attempt and Started have no withLastAttempt.
        assertThatThrownBy(() -> ResultEvent.finalOutcome("j1", "mumbai", JobState.IN_FLIGHT, null, List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in_flight");
    }

    @Test
    void theWireFormatIsTheOneEveryVersionWritesAndReads() throws Exception {
        // Written by the version before the event kinds were types of their own (one record with
        // nulls): the same JSON both ways, so replicas of either version read each other's events.
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String started = "{\"type\":\"started\",\"id\":\"j1\",\"region\":\"mumbai\"}";
        String attempt = "{\"type\":\"attempt\",\"id\":\"j1\",\"region\":\"mumbai\",\"url\":\"https://example.com/a\","
                + "\"target\":\"primary\",\"attempt\":1,\"outcome\":\"5xx\",\"status\":502,\"reason\":\"HTTP 502\","
                + "\"started_at\":\"2026-12-01T10:00:00Z\",\"duration_ms\":7}";
        String finalEvent = "{\"type\":\"final\",\"id\":\"j1\",\"region\":\"mumbai\",\"reason\":\"HTTP 200\","
                + "\"state\":\"delivered\",\"delivered_by\":\"primary\",\"classes\":[\"5xx\"],\"last_attempt\":"
                + mapper.writeValueAsString(mapper.readTree(RecordJson.write(OK))) + "}";
        for (String json : List.of(started, attempt, finalEvent)) {
            ResultEvent read = RecordJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), ResultEvent.class);
            assertThat(mapper.readTree(RecordJson.write(read))).as(json).isEqualTo(mapper.readTree(json));
        }
        assertThat(RecordJson.read(finalEvent.getBytes(java.nio.charset.StandardCharsets.UTF_8), ResultEvent.class))
                .isInstanceOfSatisfying(ResultEvent.Final.class, read -> {
                    assertThat(read.finalState()).contains(JobState.DELIVERED);
                    assertThat(read.lastAttempt()).isEqualTo(OK);
                });
    }
}
