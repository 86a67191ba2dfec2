package dev.edgedispatcher.callback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {

    @ParameterizedTest(name = "{0} with status {1} -> {2}")
    @CsvSource({
        "CONNECTING, 0, ct",
        "CONNECTING, 200, ct",
        "AWAITING_STATUS, 0, rt",
        "READING_BODY, 200, partial",
        "READING_BODY, 500, partial",
        "COMPLETE, 200, ok",
        "COMPLETE, 201, ok",
        "COMPLETE, 204, ok",
        "COMPLETE, 299, ok",
        "COMPLETE, 300, 3xx",
        "COMPLETE, 301, 3xx",
        "COMPLETE, 399, 3xx",
        "COMPLETE, 400, 4xx",
        "COMPLETE, 404, 4xx",
        "COMPLETE, 429, 4xx",
        "COMPLETE, 499, 4xx",
        "COMPLETE, 500, 5xx",
        "COMPLETE, 503, 5xx",
        "COMPLETE, 599, 5xx",
        "COMPLETE, 600, 5xx",
        "COMPLETE, 199, 5xx"})
    void classifiesByPhaseThenStatus(AttemptPhase phase, int status, String expected) {
        String actual = FailureClassifier.classify(phase, status).map(FailureClass::wireName).orElse("ok");
        assertThat(actual).isEqualTo(expected);
    }
}
