package dev.edgedispatcher.scheduler.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;

/** What is known of one job, folded from its region record and its result events. Thread-safe. */
final class JobStatus {

    private final String id;
    private String region;
    private JsonNode resolution;
    private JsonNode policy;
    private String state = "queued";
    private String deliveredBy;
    private final ArrayNode attempts = JsonNodeFactory.instance.arrayNode();
    private boolean accepted;

    JobStatus(String id) {
        this.id = id;
    }

    synchronized void accepted(JobRecord job) {
        accepted = true;
        region = job.region();
        resolution = job.resolution();
        policy = job.policy();
    }

    synchronized boolean isAccepted() {
        return accepted;
    }

    synchronized void apply(ResultEvent event) {
        if (region == null) {
            region = event.region();
        }
        if (ResultEvent.STARTED.equals(event.type())) {
            if (state.equals("queued")) {
                state = "in_flight";
            }
        } else if (ResultEvent.ATTEMPT.equals(event.type())) {
            ObjectNode attempt = attempts.addObject();
            attempt.put("url", event.url());
            attempt.put("target", event.target());
            attempt.put("attempt", event.attempt());
            attempt.put("outcome", event.outcome());
            if (event.status() == null) {
                attempt.putNull("status");
            } else {
                attempt.put("status", event.status());
            }
            attempt.put("reason", event.reason());
            attempt.put("started_at", event.startedAt());
            attempt.put("duration_ms", event.durationMs());
            if (state.equals("queued")) {
                state = "in_flight";
            }
        } else if (ResultEvent.FINAL.equals(event.type()) && !isFinal()) {
            // The first final outcome stands: a job re-delivered after a worker crash may get a second.
            state = event.state();
            deliveredBy = event.deliveredBy();
        }
    }

    private boolean isFinal() {
        return state.equals("delivered") || state.equals("failed");
    }

    /** The {@code 202} document of the accept: {id, region, resolution, policy}. */
    synchronized ObjectNode acceptDocument() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("region", region);
        node.set("resolution", resolution);
        node.set("policy", policy);
        return node;
    }

    /** The {@code GET /v1/jobs/{id}} document. */
    synchronized ObjectNode statusDocument() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("state", state);
        node.put("region", region);
        node.set("resolution", resolution);
        node.put("delivered_by", deliveredBy);
        node.set("attempts", attempts.deepCopy());
        return node;
    }
}
