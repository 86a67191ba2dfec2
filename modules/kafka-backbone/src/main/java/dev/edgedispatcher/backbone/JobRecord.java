package dev.edgedispatcher.backbone;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A validated job as published to {@code webhooks.region.<region>} and read by that region's
 * workers. URLs keep their fragments: the worker reads the policy from them with callback-config,
 * the same code that validated them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(
        String id,
        String url,
        String kind,
        String method,
        Map<String, String> params,
        String body,
        @JsonProperty("content_type") String contentType,
        @JsonProperty("fallback_url") String fallbackUrl,
        @JsonProperty("media_server") String mediaServer,
        @JsonProperty("ordering_key") String orderingKey,
        String account,
        String region,
        JsonNode resolution,
        JsonNode policy,
        @JsonProperty("submitted_at_ms") long submittedAtMs) {

    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(region, "region");
        // Submission order is kept: it is the order the params go on the wire.
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The Kafka key: the ordering key when given (same key, same partition, in order), else the id. */
    @JsonIgnore
    public String kafkaKey() {
        return orderingKey != null ? orderingKey : id;
    }
}
