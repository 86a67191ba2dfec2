package dev.edgedispatcher.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultEventTest {

    private static final ResultEvent OK = ResultEvent.attempt("j1", "mumbai", "https://example.com/a", "primary", 2,
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
        ResultEvent finalEvent = ResultEvent.finalOutcome("j2", "mumbai", JobState.DELIVERED, "primary", List.of(), "HTTP 200");
        assertThatThrownBy(() -> finalEvent.withLastAttempt(OK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("j1").hasMessageContaining("j2");
        assertThatThrownBy(() -> OK.withLastAttempt(OK)).isInstanceOf(IllegalArgumentException.class);
    }
}
