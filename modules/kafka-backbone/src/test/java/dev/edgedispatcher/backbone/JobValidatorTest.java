package dev.edgedispatcher.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withKnownAccountsAnUnknownOneIsRefusedNamingTheKnownOnes() throws Exception {
        JobValidator validator = new JobValidator(Set.of("default", "acme"));
        ParseResult<ValidatedJob> unknown = validator.validate(JSON.readTree(
                "{\"url\": \"https://example.com/a\", \"account\": \"globex\"}"));
        assertThat(unknown).isInstanceOf(ParseResult.Rejected.class);
        var error = ((ParseResult.Rejected<ValidatedJob>) unknown).error();
        assertThat(error.field()).isEqualTo("account");
        assertThat(error.detail()).contains("'globex'").contains("acme, default");
        assertThat(validator.validate(JSON.readTree("{\"url\": \"https://example.com/a\", \"account\": \"acme\"}"))
                .isAccepted()).isTrue();
        assertThat(validator.validate(JSON.readTree("{\"url\": \"https://example.com/a\"}")).isAccepted()).isTrue();
    }

    @Test
    void withoutKnownAccountsAnyNameIsAccepted() throws Exception {
        assertThat(new JobValidator().validate(JSON.readTree("{\"url\": \"https://example.com/a\", \"account\": \"globex\"}"))
                .isAccepted()).isTrue();
    }

    @Test
    void anErrorsMetricLabelComesFromAFixedSetWhateverTheClientNamed() {
        assertThat(JobValidator.fieldLabel("url")).isEqualTo("url");
        assertThat(JobValidator.fieldLabel("ct")).isEqualTo("ct");
        assertThat(JobValidator.fieldLabel("fallback_url#rt")).isEqualTo("fallback_url#rt");
        assertThat(JobValidator.fieldLabel("webhook_id")).isEqualTo("webhook_id");
        assertThat(JobValidator.fieldLabel("params.CallUUID")).isEqualTo("params");
        // Names a client made up: one label for all of them.
        assertThat(JobValidator.fieldLabel("x-" + System.nanoTime())).isEqualTo("unknown");
        assertThat(JobValidator.fieldLabel("fallback_url#made-up")).isEqualTo("unknown");
        // The fixed set is what counters are created with at start: each label maps to itself, others into it.
        assertThat(JobValidator.fieldLabels()).contains("url", "ct", "fallback_url#rt", "webhook_id", "params", "unknown")
                .allSatisfy(label -> assertThat(JobValidator.fieldLabel(label)).isEqualTo(label));
        for (String made : new String[] {"params.X", "fallback_url#zz", "x", "fragment", "fallback_url#fragment"}) {
            assertThat(JobValidator.fieldLabels()).contains(JobValidator.fieldLabel(made));
        }
    }

    @Test
    void aContentTypeThatCouldSplitTheHeaderIsRefusedNamingTheField() throws Exception {
        for (String bad : new String[] {"text/plain\r\nX-Injected: 1", "text/plain\nX: 1", "text/\u0000plain", "é/json", " ",
                "a".repeat(201)}) {
            var job = JSON.createObjectNode().put("url", "https://example.com/a").put("body", "x").put("content_type", bad);
            ParseResult<ValidatedJob> result = new JobValidator().validate(job);
            assertThat(result).as(bad).isInstanceOf(ParseResult.Rejected.class);
            var error = ((ParseResult.Rejected<ValidatedJob>) result).error();
            assertThat(error.field()).isEqualTo("content_type");
            assertThat(error.detail()).contains("no line breaks");
        }
        var good = JSON.createObjectNode().put("url", "https://example.com/a").put("body", "x")
                .put("content_type", "text/xml; charset=utf-8");
        assertThat(new JobValidator().validate(good).isAccepted()).isTrue();
    }
}
