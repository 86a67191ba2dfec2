package dev.edgedispatcher.scheduler.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What is known of one job, folded from its region record and its result events. Thread-safe.
 * Kept compact, because the index holds many of these: the resolution, policy and attempts are
 * stored as their JSON bytes (a Jackson tree costs several times as much) and turned back into
 * documents only when asked for.
 */
final class JobStatus {

    private static final byte[][] NO_ATTEMPTS = new byte[0][];

    private final String id;
    private String region;
    /** Null until the region record is seen; the record's account, {@code default} when it named none. */
    private String account;
    private byte[] resolution;
    private byte[] policy;
    private String state = "queued";
    private String deliveredBy;
    /** The final event's reason of a failed job (delivered ones need none: kept off the heap). */
    private String failureReason;
    private byte[][] attempts = NO_ATTEMPTS;
    private boolean accepted;
    /** When it was accepted (the record's {@code submitted_at_ms}), 0 when unknown. */
    private long submittedAtMs;
    /** The primary URL's host, lower case; what {@code host=} filters on. */
    private String host;
    private String retryOf;
    private String lastOutcome;
    /** Where its region record is (topic, partition, offset), -1 until known: a retry reads the job back from there. */
    private String topic;
    private int partition = -1;
    private long offset = -1;

    JobStatus(String id) {
        this.id = id;
    }

    synchronized void accepted(JobRecord job) {
        accepted = true;
        region = canonicalRegion(job.region());
        account = job.account() == null ? JobStatusIndex.DEFAULT_ACCOUNT : job.account().intern();
        resolution = job.resolution() == null ? null : RecordJson.write(job.resolution());
        policy = job.policy() == null ? null : RecordJson.write(job.policy());
        submittedAtMs = job.submittedAtMs();
        host = hostOf(job.url());
        retryOf = job.retryOf();
    }

    /** The host of a URL as the filter compares it: lower case, no user info, no port. */
    static String hostOf(String url) {
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String hostPort = authority;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return (close < 0 ? hostPort : hostPort.substring(0, close + 1)).toLowerCase(java.util.Locale.ROOT).intern();
        }
        int colon = hostPort.indexOf(':');
        return (colon < 0 ? hostPort : hostPort.substring(0, colon)).toLowerCase(java.util.Locale.ROOT).intern();
    }

    synchronized void locatedAt(String topic, int partition, long offset) {
        if (this.offset < 0) {
            // Region topics are few: share one string per topic.
            this.topic = topic.intern();
            this.partition = partition;
            this.offset = offset;
        }
    }

    /** Where its region record is, empty until known. */
    synchronized java.util.Optional<RecordLocation> location() {
        return offset < 0 || topic == null ? java.util.Optional.empty()
                : java.util.Optional.of(new RecordLocation(id, topic, partition, offset));
    }

    /** The job this one sends again, null when it is not a retry. */
    synchronized String retryOf() {
        return retryOf;
    }

    synchronized long submittedAtMs() {
        return submittedAtMs;
    }

    synchronized String state() {
        return state;
    }

    /** Whether the listing filters match, read from one consistent moment of this status. */
    synchronized boolean matches(JobQuery query) {
        return query.state().map(state::equals).orElse(true)
                && query.region().map(r -> r.equals(region)).orElse(true)
                && query.account().map(a -> a.equals(account)).orElse(true)
                && query.host().map(h -> h.equals(host)).orElse(true)
                && query.outcome().map(o -> o.equals(lastOutcome)).orElse(true);
    }

    /** The job's account, null when its region record has not been seen. */
    synchronized String account() {
        return account;
    }

    synchronized boolean isFinalState() {
        return isFinal();
    }

    synchronized boolean isAccepted() {
        return accepted;
    }

    /** The region's wire name, null until a record or event named it. */
    synchronized String region() {
        return region;
    }

    /** Folds one event in; true when it made the job final (the first final event only). */
    synchronized boolean apply(ResultEvent event) {
        if (region == null) {
            region = canonicalRegion(event.region());
        }
        if (ResultEvent.STARTED.equals(event.type())) {
            if (state.equals("queued")) {
                state = "in_flight";
            }
        } else if (ResultEvent.ATTEMPT.equals(event.type())) {
            addAttempt(event);
        } else if (ResultEvent.FINAL.equals(event.type()) && !isFinal()) {
            // The first final outcome stands: a job re-delivered after a worker crash may get a second.
            if (event.lastAttempt() != null) {
                addAttempt(event.lastAttempt());
            }
            state = event.state();
            deliveredBy = event.deliveredBy();
            if ("failed".equals(state)) {
                failureReason = event.reason();
            }
            return isFinal();
        }
        return false;
    }

    /** One entry of {@code attempts} in the status document, every field present (null when unknown). */
    record AttemptDocument(String url, String target, Integer attempt, String outcome, Integer status,
            String reason, @com.fasterxml.jackson.annotation.JsonProperty("started_at") String startedAt,
            @com.fasterxml.jackson.annotation.JsonProperty("duration_ms") Long durationMs) {
    }

    private void addAttempt(ResultEvent event) {
        // Written straight to bytes: no tree per attempt on the index thread.
        byte[] attempt = RecordJson.write(new AttemptDocument(event.url(), event.target(), event.attempt(), event.outcome(),
                event.status(), event.reason(), event.startedAt(), event.durationMs()));
        byte[][] more = java.util.Arrays.copyOf(attempts, attempts.length + 1);
        more[attempts.length] = attempt;
        attempts = more;
        lastOutcome = event.outcome() == null ? null : event.outcome().intern();
        if (state.equals("queued")) {
            state = "in_flight";
        }
    }

    private synchronized boolean isFinal() {
        return state.equals("delivered") || state.equals("failed");
    }

    /** The {@code 202} document of the accept: {id, region, resolution, policy}. */
    synchronized ObjectNode acceptDocument() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("region", region);
        node.set("resolution", tree(resolution));
        node.set("policy", tree(policy));
        return node;
    }

    /** The {@code GET /v1/jobs/{id}} document. */
    synchronized ObjectNode statusDocument() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("state", state);
        node.put("region", region);
        node.set("resolution", tree(resolution));
        node.put("delivered_by", deliveredBy);
        node.put("account", account);
        node.put("host", host);
        if (submittedAtMs > 0) {
            node.put("submitted_at", java.time.Instant.ofEpochMilli(submittedAtMs).toString());
        } else {
            node.putNull("submitted_at");
        }
        node.put("last_outcome", lastOutcome);
        node.put("retry_of", retryOf);
        if (failureReason != null) {
            // Why the job failed as a whole: a poison record has no attempt to carry it.
            node.put("reason", failureReason);
        }
        ArrayNode list = node.putArray("attempts");
        for (byte[] attempt : attempts) {
            list.add(tree(attempt));
        }
        return node;
    }

    private static JsonNode tree(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return RecordJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("status bytes written by this class are JSON", e);
        }
    }

    /** Region names are few: share the catalogue's strings instead of one copy per job. */
    private static String canonicalRegion(String name) {
        return name == null ? null : Region.fromWireName(name).map(Region::wireName).orElse(name);
    }
}
