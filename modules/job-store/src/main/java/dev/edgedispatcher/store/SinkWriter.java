package dev.edgedispatcher.store;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Applies what the sink read to the store, in one transaction per batch, idempotently: jobs,
 * attempts and outcomes are keyed by where their record is (a batch applied twice inserts nothing
 * new), and the fold that sets a job's state takes its first final outcome by record time, never
 * a later one. Jobs and their results may arrive in either order (they are on different topics):
 * whichever comes second completes the fold.
 */
final class SinkWriter {

    /** Results are looked for from this long before the oldest record of a batch (slow retries, clock skew). */
    private static final Duration LOOK_BACK = Duration.ofDays(1);

    private final JobStore store;
    private final Clock clock;

    SinkWriter(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void write(List<AcceptedJob> jobs, List<RecordedResult> results) throws SQLException {
        if (jobs.isEmpty() && results.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        // Rows older than the retention would land in partitions already dropped (they are left out);
        // future ones (a producer's clock far ahead) in partitions not made yet (they are clamped).
        Instant oldest = now.minus(store.config().retention()).plus(Duration.ofHours(1));
        Instant newest = now.plus(Duration.ofDays(2));
        Set<String> ids = new LinkedHashSet<>();
        Set<String> started = new LinkedHashSet<>();
        Instant earliest = now;
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                if (!jobs.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, accepted_at, account, region, host,"
                            + " retry_of, resolution, policy, topic, kafka_partition, kafka_offset)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                        for (AcceptedJob accepted : jobs) {
                            JobRecord job = accepted.job();
                            Instant at = clamp(Instant.ofEpochMilli(job.submittedAtMs()), newest);
                            if (at.isBefore(oldest)) {
                                continue; // older than the retention: its day is gone (a backfill of old topics)
                            }
                            earliest = at.isBefore(earliest) ? at : earliest;
                            ids.add(job.id());
                            s.setString(1, job.id());
                            s.setTimestamp(2, Timestamp.from(at));
                            s.setString(3, job.account() == null ? JobStore.DEFAULT_ACCOUNT : job.account());
                            s.setString(4, job.region());
                            s.setString(5, hostOf(job.url()));
                            s.setString(6, job.retryOf());
                            s.setString(7, job.resolution() == null ? null : RecordJson.MAPPER.writeValueAsString(job.resolution()));
                            s.setString(8, job.policy() == null ? null : RecordJson.MAPPER.writeValueAsString(job.policy()));
                            s.setString(9, accepted.topic());
                            s.setInt(10, accepted.partition());
                            s.setLong(11, accepted.offset());
                            s.addBatch();
                        }
                        s.executeBatch();
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException("a record's JSON trees are JSON", e);
                    }
                }
                if (!results.isEmpty()) {
                    try (PreparedStatement attempts = c.prepareStatement("INSERT INTO attempts (job_id, recorded_at,"
                            + " results_partition, results_offset, url, target, attempt, outcome, status, reason, started_at,"
                            + " duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
                            PreparedStatement outcomes = c.prepareStatement("INSERT INTO outcomes (job_id, recorded_at,"
                                    + " results_partition, results_offset, region, state, delivered_by, reason)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                        boolean anyAttempt = false;
                        boolean anyOutcome = false;
                        for (RecordedResult result : results) {
                            ResultEvent event = result.event();
                            if (event.id() == null) {
                                continue;
                            }
                            Instant at = clamp(Instant.ofEpochMilli(result.timestampMs()), newest);
                            if (at.isBefore(oldest)) {
                                continue;
                            }
                            earliest = at.isBefore(earliest) ? at : earliest;
                            ids.add(event.id());
                            if (ResultEvent.STARTED.equals(event.type())) {
                                started.add(event.id());
                                try (PreparedStatement begun = c.prepareStatement("INSERT INTO attempts (job_id, recorded_at,"
                                        + " results_partition, results_offset, started) VALUES (?, ?, ?, ?, true)"
                                        + " ON CONFLICT DO NOTHING")) {
                                    begun.setString(1, event.id());
                                    begun.setTimestamp(2, Timestamp.from(at));
                                    begun.setInt(3, result.partition());
                                    begun.setLong(4, result.offset());
                                    begun.executeUpdate();
                                }
                            }
                            for (ResultEvent attempt : event.attemptsRecorded()) {
                                attempts.setString(1, event.id());
                                attempts.setTimestamp(2, Timestamp.from(at));
                                attempts.setInt(3, result.partition());
                                attempts.setLong(4, result.offset());
                                attempts.setString(5, attempt.url());
                                attempts.setString(6, attempt.target());
                                setInteger(attempts, 7, attempt.attempt());
                                attempts.setString(8, attempt.outcome());
                                setInteger(attempts, 9, attempt.status());
                                attempts.setString(10, attempt.reason());
                                attempts.setString(11, attempt.startedAt());
                                if (attempt.durationMs() == null) {
                                    attempts.setNull(12, Types.BIGINT);
                                } else {
                                    attempts.setLong(12, attempt.durationMs());
                                }
                                attempts.addBatch();
                                anyAttempt = true;
                            }
                            if (ResultEvent.FINAL.equals(event.type()) && event.state() != null) {
                                outcomes.setString(1, event.id());
                                outcomes.setTimestamp(2, Timestamp.from(at));
                                outcomes.setInt(3, result.partition());
                                outcomes.setLong(4, result.offset());
                                outcomes.setString(5, event.region());
                                outcomes.setString(6, event.state());
                                outcomes.setString(7, event.deliveredBy());
                                outcomes.setString(8, event.reason());
                                outcomes.addBatch();
                                anyOutcome = true;
                            }
                        }
                        if (anyAttempt) {
                            attempts.executeBatch();
                        }
                        if (anyOutcome) {
                            outcomes.executeBatch();
                        }
                    }
                }
                fold(c, ids, started, earliest.minus(LOOK_BACK));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Sets the state of the jobs of {@code ids} from what the store holds of them: the first final
     * outcome by record time (a final job never changes state again), else in flight once a worker
     * started or attempted it; and the outcome of its newest attempt.
     */
    private static void fold(Connection c, Set<String> ids, Set<String> started, Instant since) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("""
                WITH ids AS (SELECT DISTINCT unnest(?::text[]) AS id),
                fin AS (SELECT DISTINCT ON (job_id) job_id, state, delivered_by, reason, recorded_at FROM outcomes
                         WHERE job_id IN (SELECT id FROM ids) AND recorded_at >= ?
                         ORDER BY job_id, recorded_at, results_partition, results_offset),
                att AS (SELECT DISTINCT ON (job_id) job_id, outcome FROM attempts
                         WHERE job_id IN (SELECT id FROM ids) AND recorded_at >= ? AND NOT started
                         ORDER BY job_id, recorded_at DESC, results_partition DESC, results_offset DESC),
                st AS (SELECT DISTINCT job_id AS id FROM attempts
                        WHERE job_id IN (SELECT id FROM ids) AND recorded_at >= ? AND started),
                change AS (SELECT ids.id, fin.state AS fin_state, fin.delivered_by, fin.reason, fin.recorded_at,
                                  att.outcome, att.job_id IS NOT NULL OR st.id IS NOT NULL AS began
                             FROM ids LEFT JOIN fin ON fin.job_id = ids.id LEFT JOIN att ON att.job_id = ids.id
                             LEFT JOIN st ON st.id = ids.id
                            WHERE fin.job_id IS NOT NULL OR att.job_id IS NOT NULL OR st.id IS NOT NULL)
                UPDATE jobs j SET
                    state = CASE WHEN j.state IN ('delivered', 'failed') THEN j.state
                                 WHEN change.fin_state IS NOT NULL THEN change.fin_state
                                 WHEN change.began THEN 'in_flight' ELSE j.state END,
                    delivered_by = CASE WHEN j.state IN ('delivered', 'failed') OR change.fin_state IS NULL
                                        THEN j.delivered_by ELSE change.delivered_by END,
                    reason = CASE WHEN j.state IN ('delivered', 'failed') OR change.fin_state IS NULL
                                  THEN j.reason ELSE change.reason END,
                    finished_at = CASE WHEN j.state IN ('delivered', 'failed') OR change.fin_state IS NULL
                                       THEN j.finished_at ELSE change.recorded_at END,
                    last_outcome = COALESCE(change.outcome, j.last_outcome)
                  FROM change
                 WHERE j.id = change.id AND j.accepted_at >= ?
                   AND (j.state NOT IN ('delivered', 'failed') OR j.last_outcome IS DISTINCT FROM COALESCE(change.outcome, j.last_outcome))
                """)) {
            Timestamp from = Timestamp.from(since);
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            s.setTimestamp(2, from);
            s.setTimestamp(3, from);
            s.setTimestamp(4, from);
            s.setTimestamp(5, Timestamp.from(since.minus(LOOK_BACK)));
            s.executeUpdate();
        }
    }

    private static Instant clamp(Instant at, Instant newest) {
        return at.isAfter(newest) ? newest : at;
    }

    private static void setInteger(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    /** The host of a URL as the {@code host=} filter compares it: lower case, no user info, no port. */
    static String hostOf(String url) {
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return (close < 0 ? authority : authority.substring(0, close + 1)).toLowerCase(Locale.ROOT);
        }
        int colon = authority.indexOf(':');
        return (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
    }
}
