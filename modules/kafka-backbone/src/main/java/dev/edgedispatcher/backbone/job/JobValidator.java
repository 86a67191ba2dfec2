package dev.edgedispatcher.backbone.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobIds;
import dev.edgedispatcher.callback.CallbackTarget;
import dev.edgedispatcher.callback.FragmentParser;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.PolicyError;
import dev.edgedispatcher.callback.UrlKind;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Validates one job document (docs/api.md, "HTTP API") into a {@link ValidatedJob}, or the first
 * error, naming the field, the value and what is allowed. Same rules for the HTTP API and Kafka
 * intake.
 */
public final class JobValidator {

    public static final Set<String> FIELDS = Set.of("id", "url", "kind", "method", "params", "body", "content_type",
            "fallback_url", "media_server", "ordering_key", "account");
    private static final String FIELD_LIST =
            "id, url, kind, method, params, body, content_type, fallback_url, media_server, ordering_key, account";
    private static final int MAX_SHORT_TEXT = 200;
    /** Fields of a region record that a worker checks besides the job's own. */
    private static final Set<String> RECORD_FIELDS = Set.of("region", "webhook_id", "retry_of");
    private static final String FALLBACK_PREFIX = "fallback_url#";

    /**
     * The metric label for an error's field: a job or record field, a fragment key (maybe of the
     * fallback URL), {@code params} for any parameter, {@code unknown} for anything else. A field
     * name as a client sent it would let one client grow every scraper's series without bound.
     */
    public static String fieldLabel(String field) {
        if (field.startsWith("params.")) {
            return "params";
        }
        String key = field.startsWith(FALLBACK_PREFIX) ? field.substring(FALLBACK_PREFIX.length()) : field;
        boolean fragmentKey = key.equals("fragment")
                || java.util.Arrays.stream(dev.edgedispatcher.callback.PolicyKey.values()).anyMatch(known -> known.key().equals(key));
        return FIELDS.contains(field) || RECORD_FIELDS.contains(field) || fragmentKey ? field : "unknown";
    }

    /**
     * Every value {@link #fieldLabel} can return: counters labelled by field can be created at 0 for
     * all of them at start, so that an alert on their increase sees the first event.
     */
    public static java.util.SortedSet<String> fieldLabels() {
        java.util.SortedSet<String> labels = new java.util.TreeSet<>(FIELDS);
        labels.addAll(RECORD_FIELDS);
        labels.addAll(java.util.List.of("params", "unknown", "fragment", "fallback_url#fragment"));
        for (dev.edgedispatcher.callback.PolicyKey key : dev.edgedispatcher.callback.PolicyKey.values()) {
            labels.add(key.key());
            labels.add(FALLBACK_PREFIX + key.key());
        }
        return java.util.Collections.unmodifiableSortedSet(labels);
    }

    private final Supplier<String> idGenerator;
    private final Set<String> knownAccounts;

    /** Accepts any account name (the workers then fail jobs whose account they have no secrets for). */
    public JobValidator() {
        this(Set.of());
    }

    /** Rejects jobs naming an account not in {@code knownAccounts}, unless the set is empty. */
    public JobValidator(Set<String> knownAccounts) {
        this.idGenerator = JobIds::newId;
        this.knownAccounts = Set.copyOf(knownAccounts);
    }

    /** A submitted job: an id it names must be claimed (it may be repeated), a generated one is unique. */
    public ParseResult<ValidatedJob> validate(JsonNode job) {
        return validate(job, idGenerator, false);
    }

    /**
     * A job read from somewhere that may be read again (the Kafka intake): ids from {@code ids} are
     * derived from where it was read, so they are claimed too.
     */
    public ParseResult<ValidatedJob> validate(JsonNode job, Supplier<String> ids) {
        return validate(job, ids, true);
    }

    private ParseResult<ValidatedJob> validate(JsonNode job, Supplier<String> ids, boolean derivedIdsRepeat) {
        if (job == null || !job.isObject()) {
            return reject("body", job == null ? "" : job.getNodeType().name().toLowerCase(), "a JSON object",
                    "the job must be a JSON object with at least \"url\"");
        }
        for (Iterator<String> names = job.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return reject(name, name, FIELD_LIST, "unknown field '" + name + "': the fields are " + FIELD_LIST);
            }
        }
        String id;
        boolean idMayRepeat = derivedIdsRepeat || job.hasNonNull("id");
        if (job.hasNonNull("id")) {
            if (!job.get("id").isTextual() || !JobIds.isValid(job.get("id").asText())) {
                return reject("id", text(job.get("id")), "1–200 characters of letters, digits and . _ : -",
                        "id " + text(job.get("id")) + " is not allowed: use 1–200 characters of letters, digits and . _ : -");
            }
            id = job.get("id").asText();
        } else {
            id = ids.get();
        }
        Optional<String> kindName = optionalText(job, "kind");
        if (job.hasNonNull("kind") && kindName.isEmpty()) {
            return notAString("kind", job.get("kind"));
        }
        if (!job.hasNonNull("url")) {
            return reject("url", "", "an absolute http:// or https:// URL", "url is missing: an absolute http:// or https:// URL is required");
        }
        if (!job.get("url").isTextual()) {
            return notAString("url", job.get("url"));
        }
        String rawUrl = job.get("url").asText();
        ParseResult<CallbackTarget> primary = FragmentParser.parse(rawUrl, kindName.orElse("answer_url"));
        if (primary instanceof ParseResult.Rejected<CallbackTarget> rejected) {
            return ParseResult.rejected(rejected.error());
        }
        String method = "POST";
        if (job.hasNonNull("method")) {
            method = text(job.get("method"));
            if (!method.equals("GET") && !method.equals("POST")) {
                return reject("method", method, "GET, POST", "method " + method + " is not allowed: use GET or POST");
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (job.hasNonNull("params")) {
            JsonNode node = job.get("params");
            if (!node.isObject()) {
                return reject("params", node.getNodeType().name().toLowerCase(), "an object of string values",
                        "params must be an object of string values, not " + node.getNodeType().name().toLowerCase());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> param = it.next();
                if (!param.getValue().isTextual()) {
                    return reject("params." + param.getKey(), param.getValue().toString(), "a string",
                            "params." + param.getKey() + " must be a string, not " + param.getValue());
                }
                params.put(param.getKey(), param.getValue().asText());
            }
        }
        Optional<String> body = optionalText(job, "body");
        Optional<String> contentType = optionalText(job, "content_type");
        for (String field : new String[] {"body", "content_type", "fallback_url", "media_server", "ordering_key", "account"}) {
            if (job.hasNonNull(field) && !job.get(field).isTextual()) {
                return notAString(field, job.get(field));
            }
        }
        if (body.isPresent() && method.equals("GET")) {
            return reject("body", "(" + body.get().length() + " characters)", "no body with GET",
                    "body is only allowed with method POST; GET sends params in the query");
        }
        if (body.isPresent() && !params.isEmpty()) {
            return reject("body", "(" + body.get().length() + " characters)", "either params or body",
                    "give either params (sent form-encoded) or a raw body, not both");
        }
        if (contentType.isPresent() && body.isEmpty()) {
            return reject("content_type", contentType.get(), "content_type only with body",
                    "content_type describes a raw body; it needs body");
        }
        if (contentType.isPresent() && !isHeaderValue(contentType.get())) {
            return reject("content_type", contentType.get(), "1–200 printable ASCII characters",
                    "content_type is sent as the Content-Type header: 1–200 printable ASCII characters, no line breaks"
                            + " or control characters (application/json, text/xml; charset=utf-8)");
        }
        for (String field : new String[] {"media_server", "ordering_key", "account"}) {
            Optional<String> value = optionalText(job, field);
            if (value.isPresent() && (value.get().isEmpty() || value.get().length() > MAX_SHORT_TEXT)) {
                return reject(field, value.get(), "1–200 characters", field + " must be 1–200 characters long");
            }
        }
        Optional<String> account = optionalText(job, "account");
        if (account.isPresent() && !knownAccounts.isEmpty() && !knownAccounts.contains(account.get())) {
            String known = String.join(", ", new java.util.TreeSet<>(knownAccounts));
            return reject("account", account.get(), known, "account '" + account.get()
                    + "' has no signing secrets configured: known accounts are " + known);
        }
        Optional<String> rawFallback = optionalText(job, "fallback_url");
        Optional<CallbackTarget> fallback = Optional.empty();
        if (rawFallback.isPresent()) {
            ParseResult<CallbackTarget> parsed = FragmentParser.parse(rawFallback.get(), UrlKind.FALLBACK_URL);
            if (parsed instanceof ParseResult.Rejected<CallbackTarget> rejected) {
                return ParseResult.rejected(rejected.error().within("fallback_url"));
            }
            fallback = Optional.of(parsed.orElseThrow());
        }
        return ParseResult.accepted(new ValidatedJob(id, primary.orElseThrow(), fallback, rawUrl, rawFallback, method,
                params, body, contentType, optionalText(job, "media_server"), optionalText(job, "ordering_key"),
                optionalText(job, "account"), idMayRepeat));
    }

    private static Optional<String> optionalText(JsonNode job, String field) {
        JsonNode node = job.get(field);
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static String text(JsonNode node) {
        String text = node.isTextual() ? node.asText() : node.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static ParseResult<ValidatedJob> notAString(String field, JsonNode value) {
        return reject(field, text(value), "a string", field + " must be a string, not " + text(value));
    }

    /** A value that can be written as one HTTP header line: visible ASCII, spaces and tabs, not too long. */
    private static boolean isHeaderValue(String value) {
        if (value.isBlank() || value.length() > MAX_SHORT_TEXT) {
            return false;
        }
        return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f));
    }

    private static ParseResult<ValidatedJob> reject(String field, String value, String allowed, String detail) {
        return ParseResult.rejected(new PolicyError(field, value, allowed, detail));
    }
}
