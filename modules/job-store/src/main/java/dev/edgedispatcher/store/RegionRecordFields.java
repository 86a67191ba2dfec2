package dev.edgedispatcher.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgedispatcher.backbone.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields a job's row keeps straight from its region record's bytes, in one pass, without
 * building the {@code JobRecord}: its params, body and JSON trees were most of the sink's work
 * (docs/job-store.md, "Reading a record").
 *
 * <p>A record is read when it is a JSON object whose {@code id}, {@code url}, {@code kind},
 * {@code method} and {@code region} are present and scalars (read as text, as Jackson reads a
 * {@code String}), and whose other kept fields have the types a {@code JobRecord} gives them (text
 * fields a scalar or null, {@code submitted_at_ms} a number, number text, empty or null). {@code resolution} and {@code policy} are kept as the JSON text they are in the
 * record. Fields the row does not keep are skipped unread: whether the job can be delivered is the
 * worker's to judge, and when it cannot, the failed outcome the worker writes finds this row.
 */
final class RegionRecordFields {

    private RegionRecordFields() {
    }

    static AcceptedJob read(byte[] value, String topic, int partition, long offset) throws IOException {
        String id = null;
        String url = null;
        String kind = null;
        String method = null;
        String account = null;
        String region = null;
        String retryOf = null;
        String resolution = null;
        String policy = null;
        long submittedAtMs = 0;
        if (value == null) {
            throw new IOException("the record has no value");
        }
        try (JsonParser parser = RecordJson.MAPPER.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a region record is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "id" -> id = text(parser, field);
                    case "url" -> url = text(parser, field);
                    case "kind" -> kind = text(parser, field);
                    case "method" -> method = text(parser, field);
                    case "account" -> account = text(parser, field);
                    case "region" -> region = text(parser, field);
                    case "retry_of" -> retryOf = text(parser, field);
                    case "submitted_at_ms" -> submittedAtMs = number(parser, field);
                    case "resolution" -> resolution = slice(parser, value);
                    case "policy" -> policy = slice(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("the record's object does not end");
            }
        }
        required("id", id);
        required("url", url);
        required("kind", kind);
        required("method", method);
        required("region", region);
        return new AcceptedJob(id, submittedAtMs, account, region, url, retryOf, resolution, policy, topic, partition, offset);
    }

    /** A text field: a scalar as text (as Jackson reads a {@code String}), null as null; an object or array fails. */
    private static String text(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == null || !token.isScalarValue()) {
            throw new IOException("field " + field + " is " + token + ", not text");
        }
        return parser.getText();
    }

    /** A long: a number (a fraction cut), number text, or null as 0, as Jackson reads a {@code long}. */
    private static long number(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getValueAsLong();
        }
        if (token == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (token == JsonToken.VALUE_STRING) {
            String text = parser.getText().trim();
            if (text.isEmpty() || text.equals("null")) {
                return 0; // as Jackson reads empty or "null" text into a long
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("field " + field + " is \"" + parser.getText() + "\", not a number");
            }
        }
        throw new IOException("field " + field + " is " + token + ", not a number");
    }

    /**
     * The value at the parser as JSON text: an object or array as the bytes it is in the record, null
     * as null. Read into a tree and written again instead: a scalar (a string's text is read lazily,
     * so its end is not known here), a record that is not UTF-8 (no byte offsets), and a slice with a
     * backslash-u escape (one that is a lone surrogate would make PostgreSQL refuse the whole batch;
     * the tree turns it into text the driver can send, as the whole job's tree did).
     */
    private static String slice(JsonParser parser, byte[] value) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        long start = parser.currentTokenLocation().getByteOffset();
        if ((token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) || start < 0) {
            return RecordJson.MAPPER.writeValueAsString(parser.readValueAsTree());
        }
        parser.skipChildren();
        long end = parser.currentLocation().getByteOffset();
        String slice = new String(value, (int) start, (int) (end - start), StandardCharsets.UTF_8);
        return slice.contains("\\u") ? RecordJson.MAPPER.writeValueAsString(RecordJson.MAPPER.readTree(slice)) : slice;
    }

    private static void required(String field, String value) throws IOException {
        if (value == null) {
            throw new IOException("field " + field + " is missing");
        }
    }
}
