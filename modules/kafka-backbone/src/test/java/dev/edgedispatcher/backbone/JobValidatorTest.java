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
    }
}
