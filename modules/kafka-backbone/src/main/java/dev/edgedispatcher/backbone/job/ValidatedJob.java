package dev.edgedispatcher.backbone.job;

import dev.edgedispatcher.callback.CallbackTarget;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job that passed validation: its URLs parsed with their policies, every field checked.
 *
 * @param rawUrl the URL as submitted (fragment included), published as is
 * @param rawFallbackUrl the fallback URL as submitted, when given
 * @param idMayRepeat whether the id may come again (a client's id, or one derived from where the job
 *     was read): it is then claimed in the job store before it is published; a generated id is not
 */
public record ValidatedJob(
        String id,
        CallbackTarget primary,
        Optional<CallbackTarget> fallback,
        String rawUrl,
        Optional<String> rawFallbackUrl,
        String method,
        Map<String, String> params,
        Optional<String> body,
        Optional<String> contentType,
        Optional<String> mediaServer,
        Optional<String> orderingKey,
        Optional<String> account,
        boolean idMayRepeat) {

    public ValidatedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(primary, "primary");
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
