package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the body of {@code POST /v1/jobs:batch} as a stream of jobs, checking its limits as it
 * reads (docs/api.md, "HTTP API"): the array is walked token by token, at most {@code maxJobs}
 * elements are turned into JSON trees, and each only once its extent is known to be within
 * {@code maxJobBytes}. A body of millions of tiny elements, or one giant element, is refused
 * without ever being held as a tree (which costs many times the bytes it was read from).
 */
final class BatchBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Either the jobs, or the error to answer with its status. */
    record Read(Optional<List<JsonNode>> jobs, int status, Optional<ObjectNode> error) {
        static Read ok(List<JsonNode> jobs) {
            return new Read(Optional.of(jobs), 200, Optional.empty());
        }

        static Read refused(int status, ObjectNode error) {
            return new Read(Optional.empty(), status, Optional.of(error));
        }
    }

    private BatchBody() {
    }

    static Read read(byte[] body, int maxJobs, int maxJobBytes) {
        if (body == null || body.length == 0) {
            return Read.refused(400, JsonReplies.error("malformed_json", "body", "the request body is empty: send a JSON array of jobs"));
        }
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                return Read.refused(400, JsonReplies.error("invalid_body", "body", "the batch must be a JSON array of jobs"));
            }
            List<JsonNode> jobs = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    return Read.refused(400, JsonReplies.error("malformed_json", "body", "the batch's array is not closed"));
                }
                if (jobs.size() == maxJobs) {
                    return Read.refused(413, JsonReplies.error("too_many_jobs", "body", "a batch holds at most " + maxJobs
                            + " jobs; this one has more (counting stopped at " + (maxJobs + 1) + ")"));
                }
                long start = parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                parser.finishToken(); // a string's end is only known once it is read (Jackson reads them lazily)
                long end = parser.currentLocation().getByteOffset();
                if (end - start > maxJobBytes) {
                    return Read.refused(413, JsonReplies.error("payload_too_large", "body", "job " + jobs.size()
                            + " of the batch is " + (end - start) + " bytes; a job may be at most " + maxJobBytes + " bytes"));
                }
                jobs.add(JSON.readTree(body, (int) start, (int) (end - start)));
            }
            if (parser.nextToken() != null) {
                return Read.refused(400, JsonReplies.error("malformed_json", "body", "the request body has more after the"
                        + " batch's array, at line " + parser.currentTokenLocation().getLineNr()));
            }
            return Read.ok(jobs);
        } catch (JsonProcessingException e) {
            return Read.refused(400, JsonReplies.error("malformed_json", "body", "the request body is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            return Read.refused(400, JsonReplies.error("malformed_json", "body", "the request body could not be read: "
                    + e.getMessage()));
        }
    }
}
