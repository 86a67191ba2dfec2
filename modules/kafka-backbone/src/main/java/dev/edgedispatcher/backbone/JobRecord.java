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
        @JsonProperty("submitted_at_ms") long submittedAtMs,
        @JsonProperty("webhook_id") String webhookId,
        @JsonProperty("retry_of") String retryOf) {

    /** A job that is not a retry: its deliveries carry its own id as {@code webhook-id}. */
    public JobRecord(String id, String url, String kind, String method, Map<String, String> params, String body,
            String contentType, String fallbackUrl, String mediaServer, String orderingKey, String account, String region,
            JsonNode resolution, JsonNode policy, long submittedAtMs) {
        this(id, url, kind, method, params, body, contentType, fallbackUrl, mediaServer, orderingKey, account, region,
                resolution, policy, submittedAtMs, null, null);
    }

    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(region, "region");
        // Submission order is kept: it is the order the params go on the wire.
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * The delivery id every request of this job carries ({@code webhook-id}, and what Standard
     * Webhooks signs): a retry keeps the original job's, so receivers can drop the duplicate.
     */
    @JsonIgnore
    public String deliveryId() {
        return webhookId != null ? webhookId : id;
    }

    /** This job with another id, sent again as a retry of {@code original} (same delivery id). */
    public JobRecord retriedAs(String newId, long nowMs) {
        return new JobRecord(newId, url, kind, method, params, body, contentType, fallbackUrl, mediaServer, orderingKey,
                account, region, resolution, policy, nowMs, deliveryId(), id);
    }

    /** The Kafka key: the ordering key when given (same key, same partition, in order), else the id. */
    @JsonIgnore
    public String kafkaKey() {
        return orderingKey != null ? orderingKey : id;
    }
}
