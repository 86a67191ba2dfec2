package dev.edgedispatcher.worker.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobIds;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.backbone.job.ValidatedJob;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.PolicyError;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a record of {@code webhooks.region.<R>} and checks it with the front door's own rules
 * ({@link JobValidator}: method, URLs and fragments, params, field types), plus what a region record
 * adds: an id, and this worker's region. The worker does not trust what it reads: anyone with write
 * access to the topic can put anything there. Fields it does not know are ignored (a newer
 * scheduler may add some), the job's own fields never are.
 */
public final class RecordDecoder {

    private final Region region;
    private final JobValidator validator = new JobValidator();

    public RecordDecoder(Region region) {
        this.region = region;
    }

    public DecodedRecord decode(byte[] value) {
        JsonNode root;
        try {
            if (value == null) {
                throw new IOException("record has no value");
            }
            root = RecordJson.MAPPER.readTree(value);
        } catch (IOException e) {
            return new DecodedRecord.Poison(Optional.empty(), "unreadable_job_record", "body", firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return new DecodedRecord.Poison(Optional.empty(), "invalid_job_record", "body",
                    "a job record must be a JSON object, not " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
        }
        JsonNode idNode = root.get("id");
        Optional<String> id = idNode != null && idNode.isTextual() && JobIds.isValid(idNode.asText())
                ? Optional.of(idNode.asText()) : Optional.empty();
        ObjectNode job = RecordJson.MAPPER.createObjectNode();
        JobValidator.FIELDS.forEach(field -> {
            if (root.has(field)) {
                job.set(field, root.get(field));
            }
        });
        if (!job.hasNonNull("id")) {
            return new DecodedRecord.Poison(Optional.empty(), "invalid_job_record", "id",
                    "a region record must carry the job id it was accepted with");
        }
        ParseResult<ValidatedJob> validated = validator.validate(job, () -> {
            throw new IllegalStateException("id is present");
        });
        if (validated instanceof ParseResult.Rejected<ValidatedJob> rejected) {
            PolicyError error = rejected.error();
            return new DecodedRecord.Poison(id, "invalid_job_record", error.field(), error.detail());
        }
        JsonNode regionNode = root.get("region");
        if (regionNode == null || !regionNode.isTextual() || !regionNode.asText().equals(region.wireName())) {
            String found = regionNode == null ? "missing" : regionNode.toString();
            return new DecodedRecord.Poison(id, "invalid_job_record", "region", "region " + found
                    + " does not match this topic's region '" + region.wireName() + "' (regions: " + Region.allWireNames() + ")");
        }
        // A retry carries the delivery id of the job it repeats (docs/api.md, "Finding and
        // redriving jobs"): receivers deduplicate on it.
        Optional<String> webhookId = optionalId(root, "webhook_id");
        Optional<String> retryOf = optionalId(root, "retry_of");
        if (webhookId == null || retryOf == null) {
            return new DecodedRecord.Poison(id, "invalid_job_record", webhookId == null ? "webhook_id" : "retry_of",
                    "must be a job id: 1–200 characters of letters, digits and . _ : -");
        }
        ValidatedJob valid = validated.orElseThrow();
        JsonNode submitted = root.get("submitted_at_ms");
        JobRecord record = new JobRecord(valid.id(), valid.rawUrl(), valid.primary().kind().wireName(), valid.method(),
                valid.params(), valid.body().orElse(null), valid.contentType().orElse(null),
                valid.rawFallbackUrl().orElse(null), valid.mediaServer().orElse(null), valid.orderingKey().orElse(null),
                valid.account().orElse(null), region.wireName(), root.get("resolution"), root.get("policy"),
                submitted != null && submitted.canConvertToLong() ? submitted.asLong() : 0L, webhookId.orElse(null),
                retryOf.orElse(null));
        // The destination is the host, whatever the port: sixteen ports of one host share one cap.
        return new DecodedRecord.Job(record, valid.primary().url().host().toLowerCase(java.util.Locale.ROOT),
                new DecodedRecord.Targets(valid.primary(), valid.fallback()));
    }

    /** The field as an id, empty when absent, null when present but not a valid id. */
    private static Optional<String> optionalId(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return node.isTextual() && JobIds.isValid(node.asText()) ? Optional.of(node.asText()) : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "not JSON";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }
}
