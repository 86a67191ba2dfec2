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

    /**
     * The Kafka key: the job's ordering lane when it has an ordering key (same lane, same partition,
     * in order), else the id.
     */
    @JsonIgnore
    public String kafkaKey() {
        return orderingKey != null ? orderingLane() : id;
    }

    /**
     * The lane of jobs delivered one at a time (docs/api.md, "Kafka topics"): the ordering key within
     * the job's account, so that one account's key never queues another account's jobs (no account
     * is the default account's lane). Null when the job has no ordering key.
     */
    @JsonIgnore
    public String orderingLane() {
        if (orderingKey == null) {
            return null;
        }
        // Length-prefixed: whatever characters account and key hold, no two (account, key) pairs meet.
        String scope = account != null ? account : DEFAULT_ACCOUNT;
        return scope.length() + ":" + scope + "/" + orderingKey;
    }

    /** The account of a job that names none. */
    public static final String DEFAULT_ACCOUNT = "default";

    /**
     * A builder for the job {@code id} to {@code url} from {@code region}: an {@code answer_url}
     * POST with nothing else set, accepted now. Used where a job is made from parts rather than
     * read (tests, benchmarks); the scheduler builds its records from validated input.
     */
    public static Builder builder(String id, String url, String region) {
        return new Builder(id, url, region);
    }

    /** Builds a {@link JobRecord} by name instead of 17 positions. */
    public static final class Builder {
        private final String id;
        private final String url;
        private final String region;
        private String kind = "answer_url";
        private String method = "POST";
        private Map<String, String> params = Map.of();
        private String body;
        private String contentType;
        private String fallbackUrl;
        private String mediaServer;
        private String orderingKey;
        private String account;
        private JsonNode resolution;
        private JsonNode policy;
        private long submittedAtMs = System.currentTimeMillis();

        private Builder(String id, String url, String region) {
            this.id = Objects.requireNonNull(id, "id");
            this.url = Objects.requireNonNull(url, "url");
            this.region = Objects.requireNonNull(region, "region");
        }

        public Builder kind(String value) {
            kind = Objects.requireNonNull(value, "kind");
            return this;
        }

        public Builder method(String value) {
            method = Objects.requireNonNull(value, "method");
            return this;
        }

        public Builder params(Map<String, String> value) {
            params = value;
            return this;
        }

        /** A raw body and its content type (instead of form-encoded params). */
        public Builder body(String value, String type) {
            body = value;
            contentType = type;
            return this;
        }

        public Builder fallbackUrl(String value) {
            fallbackUrl = value;
            return this;
        }

        public Builder mediaServer(String value) {
            mediaServer = value;
            return this;
        }

        public Builder orderingKey(String value) {
            orderingKey = value;
            return this;
        }

        public Builder account(String value) {
            account = value;
            return this;
        }

        /** How the region was chosen, and the parsed policy, as the scheduler records them. */
        public Builder resolution(JsonNode value) {
            resolution = value;
            return this;
        }

        public Builder policy(JsonNode value) {
            policy = value;
            return this;
        }

        public Builder submittedAt(java.time.Instant value) {
            submittedAtMs = value.toEpochMilli();
            return this;
        }

        public JobRecord build() {
            return new JobRecord(id, url, kind, method, params, body, contentType, fallbackUrl, mediaServer, orderingKey,
                    account, region, resolution, policy, submittedAtMs);
        }
    }
}
