package dev.edgedispatcher.store;

import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.ResultEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Applies what the sink read to the store, in one transaction per batch, idempotently: jobs,
 * attempts and outcomes are keyed by where their record is (a batch applied twice inserts nothing
 * new), and a job's state comes from its first final outcome by record time, never a later one.
 *
 * <p>Cheap at steady state: a poll usually holds a job's record together with its results (the
 * worker delivers within milliseconds), so the job's row is inserted with its state already folded
 * in from the batch: one row written once. Only results whose job row already exists (or does not
 * exist yet) are folded by an UPDATE afterwards. Results read before their job (a backfill, or
 * partitions read at different paces) are noted in {@code orphan_results}; the job's arrival, or
 * the sweep every second, folds them in.
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

    /** What a batch says of one job: its first final event, its newest attempt's outcome, whether it began. */
    private static final class Folded {
        RecordedResult firstFinal;
        ResultEvent.Final firstFinalEvent;
        RecordedResult newestAttempt;
        String newestOutcome;
        boolean began;

        void add(RecordedResult result) {
            ResultEvent event = result.event();
            if (event instanceof ResultEvent.Started) {
                began = true;
            }
            for (ResultEvent.Attempt attempt : event.attemptsRecorded()) {
                began = true;
                if (newestAttempt == null || order(result, newestAttempt) >= 0) {
                    newestAttempt = result;
                    newestOutcome = attempt.outcome();
                }
            }
            if (event instanceof ResultEvent.Final outcome && outcome.state() != null
                    && (firstFinal == null || order(result, firstFinal) < 0)) {
                firstFinal = result;
                firstFinalEvent = outcome;
            }
        }

        String state() {
            return firstFinalEvent != null ? firstFinalEvent.state()
                    : (began ? JobState.IN_FLIGHT : JobState.QUEUED).wireName();
        }

        /** The order the store folds by: record time, then partition, then offset. */
        private static int order(RecordedResult a, RecordedResult b) {
            int byTime = Long.compare(a.timestampMs(), b.timestampMs());
            if (byTime != 0) {
                return byTime;
            }
            int byPartition = Integer.compare(a.partition(), b.partition());
            return byPartition != 0 ? byPartition : Long.compare(a.offset(), b.offset());
        }
    }

    void write(List<AcceptedJob> jobs, List<RecordedResult> results) throws SQLException {
        if (jobs.isEmpty() && results.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                PartitionBounds bounds = PartitionBounds.read(c, store.config().retentionDays());
                Map<String, Folded> folded = new HashMap<>();
                List<RecordedResult> kept = new ArrayList<>(results.size());
                Instant earliest = now;
                for (RecordedResult result : results) {
                    if (result.event().id() == null) {
                        continue;
                    }
                    Instant at = bounds.clamp(Instant.ofEpochMilli(result.timestampMs()));
                    if (at.isBefore(bounds.oldest())) {
                        continue;
                    }
                    earliest = at.isBefore(earliest) ? at : earliest;
                    RecordedResult clamped = at.toEpochMilli() == result.timestampMs() ? result
                            : new RecordedResult(result.event(), result.partition(), result.offset(), at.toEpochMilli());
                    kept.add(clamped);
                    folded.computeIfAbsent(result.event().id(), id -> new Folded()).add(clamped);
                }
                Set<String> inserted = insertJobs(c, jobs, folded, bounds);
                for (AcceptedJob job : jobs) {
                    Instant at = Instant.ofEpochMilli(job.submittedAtMs());
                    earliest = at.isBefore(earliest) ? at : earliest;
                }
                insertResults(c, kept);
                // Results whose job was not inserted just now with them: folded into the existing row, or
                // noted as orphans when there is no row yet.
                Set<String> toFold = new LinkedHashSet<>(folded.keySet());
                toFold.removeAll(inserted);
                Instant since = earliest.minus(LOOK_BACK);
                if (!toFold.isEmpty()) {
                    Set<String> missing = apply(c, toFold, folded, since);
                    if (!missing.isEmpty()) {
                        noteOrphans(c, missing);
                    }
                }
                // Jobs whose results were read before them.
                if (!inserted.isEmpty()) {
                    Set<String> adopted = takeOrphans(c, inserted);
                    if (!adopted.isEmpty()) {
                        // From everything stored: an earlier final outcome may have been read before the job.
                        fold(c, adopted, since, true);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Inserts the jobs (state folded from the batch), returns the ids actually inserted (not already there). */
    private static Set<String> insertJobs(Connection c, List<AcceptedJob> jobs, Map<String, Folded> folded,
            PartitionBounds bounds) throws SQLException {
        if (jobs.isEmpty()) {
            return Set.of();
        }
        int n = jobs.size();
        List<String> ids = new ArrayList<>(n);
        List<Timestamp> acceptedAt = new ArrayList<>(n);
        List<String> accounts = new ArrayList<>(n);
        List<String> regions = new ArrayList<>(n);
        List<String> hosts = new ArrayList<>(n);
        List<String> states = new ArrayList<>(n);
        List<String> deliveredBy = new ArrayList<>(n);
        List<String> reasons = new ArrayList<>(n);
        List<String> lastOutcomes = new ArrayList<>(n);
        List<Timestamp> finishedAt = new ArrayList<>(n);
        List<String> retryOf = new ArrayList<>(n);
        List<String> resolutions = new ArrayList<>(n);
        List<String> policies = new ArrayList<>(n);
        List<String> topics = new ArrayList<>(n);
        List<Integer> partitions = new ArrayList<>(n);
        List<Long> offsets = new ArrayList<>(n);
        for (AcceptedJob accepted : jobs) {
            Instant at = bounds.clamp(Instant.ofEpochMilli(accepted.submittedAtMs()));
            if (at.isBefore(bounds.oldest())) {
                continue; // older than the retention: its day is gone (a backfill of old topics)
            }
            Folded known = folded.get(accepted.id());
            ids.add(accepted.id());
            acceptedAt.add(Timestamp.from(at));
            accounts.add(accepted.account() == null ? JobStore.DEFAULT_ACCOUNT : accepted.account());
            regions.add(accepted.region());
            hosts.add(hostOf(accepted.url()));
            states.add(known == null ? JobState.QUEUED.wireName() : known.state());
            ResultEvent.Final first = known == null ? null : known.firstFinalEvent;
            deliveredBy.add(first == null ? null : first.deliveredBy());
            reasons.add(first == null ? null : first.reason());
            finishedAt.add(first == null ? null : new Timestamp(known.firstFinal.timestampMs()));
            lastOutcomes.add(known == null ? null : known.newestOutcome);
            retryOf.add(accepted.retryOf());
            resolutions.add(accepted.resolution());
            policies.add(accepted.policy());
            topics.add(accepted.topic());
            partitions.add(accepted.partition());
            offsets.add(accepted.offset());
        }
        Set<String> inserted = new HashSet<>();
        if (ids.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, accepted_at, account, region, host, state,"
                + " delivered_by, reason, last_outcome, finished_at, retry_of, resolution, policy, topic, kafka_partition,"
                + " kafka_offset) SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::jsonb[], ?::jsonb[],"
                + " ?::text[], ?::int[], ?::bigint[]) ON CONFLICT DO NOTHING RETURNING id")) {
            s.setArray(1, ArrayParameters.text(c, ids));
            ArrayParameters.timestamps(s, 2, acceptedAt);
            s.setArray(3, ArrayParameters.text(c, accounts));
            s.setArray(4, ArrayParameters.text(c, regions));
            s.setArray(5, ArrayParameters.text(c, hosts));
            s.setArray(6, ArrayParameters.text(c, states));
            s.setArray(7, ArrayParameters.text(c, deliveredBy));
            s.setArray(8, ArrayParameters.text(c, reasons));
            s.setArray(9, ArrayParameters.text(c, lastOutcomes));
            ArrayParameters.timestamps(s, 10, finishedAt);
            s.setArray(11, ArrayParameters.text(c, retryOf));
            s.setArray(12, ArrayParameters.text(c, resolutions));
            s.setArray(13, ArrayParameters.text(c, policies));
            s.setArray(14, ArrayParameters.text(c, topics));
            s.setArray(15, c.createArrayOf("int4", partitions.toArray(new Integer[0])));
            s.setArray(16, c.createArrayOf("int8", offsets.toArray(new Long[0])));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inserted.add(r.getString(1));
                }
            }
        }
        return inserted;
    }

    /** Inserts attempts (a started event is a row too) and final outcomes, each keyed by its record. */
    private static void insertResults(Connection c, List<RecordedResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        List<String> aJob = new ArrayList<>();
        List<Timestamp> aAt = new ArrayList<>();
        List<Integer> aPartition = new ArrayList<>();
        List<Long> aOffset = new ArrayList<>();
        List<String> aUrl = new ArrayList<>();
        List<String> aTarget = new ArrayList<>();
        List<Integer> aAttempt = new ArrayList<>();
        List<String> aOutcome = new ArrayList<>();
        List<Integer> aStatus = new ArrayList<>();
        List<String> aReason = new ArrayList<>();
        List<String> aStartedAt = new ArrayList<>();
        List<Long> aDuration = new ArrayList<>();
        List<Boolean> aStarted = new ArrayList<>();
        List<String> oJob = new ArrayList<>();
        List<Timestamp> oAt = new ArrayList<>();
        List<Integer> oPartition = new ArrayList<>();
        List<Long> oOffset = new ArrayList<>();
        List<String> oRegion = new ArrayList<>();
        List<String> oState = new ArrayList<>();
        List<String> oDeliveredBy = new ArrayList<>();
        List<String> oReason = new ArrayList<>();
        for (RecordedResult result : results) {
            ResultEvent event = result.event();
            Timestamp at = new Timestamp(result.timestampMs());
            if (event instanceof ResultEvent.Started) {
                aJob.add(event.id());
                aAt.add(at);
                aPartition.add(result.partition());
                aOffset.add(result.offset());
                aUrl.add(null);
                aTarget.add(null);
                aAttempt.add(null);
                aOutcome.add(null);
                aStatus.add(null);
                aReason.add(null);
                aStartedAt.add(null);
                aDuration.add(null);
                aStarted.add(true);
            }
            for (ResultEvent.Attempt attempt : event.attemptsRecorded()) {
                aJob.add(event.id());
                aAt.add(at);
                aPartition.add(result.partition());
                aOffset.add(result.offset());
                aUrl.add(attempt.url());
                aTarget.add(attempt.target());
                aAttempt.add(attempt.attempt());
                aOutcome.add(attempt.outcome());
                aStatus.add(attempt.status());
                aReason.add(attempt.reason());
                aStartedAt.add(attempt.startedAt());
                aDuration.add(attempt.durationMs());
                aStarted.add(false);
            }
            if (event instanceof ResultEvent.Final outcome && outcome.state() != null) {
                oJob.add(event.id());
                oAt.add(at);
                oPartition.add(result.partition());
                oOffset.add(result.offset());
                oRegion.add(event.region());
                oState.add(outcome.state());
                oDeliveredBy.add(outcome.deliveredBy());
                oReason.add(outcome.reason());
            }
        }
        if (!aJob.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO attempts (job_id, recorded_at, results_partition,"
                    + " results_offset, url, target, attempt, outcome, status, reason, started_at, duration_ms, started)"
                    + " SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::int[], ?::bigint[], ?::text[], ?::text[],"
                    + " ?::int[], ?::text[], ?::int[], ?::text[], ?::text[], ?::bigint[], ?::boolean[])"
                    + " ON CONFLICT DO NOTHING")) {
                s.setArray(1, ArrayParameters.text(c, aJob));
                ArrayParameters.timestamps(s, 2, aAt);
                s.setArray(3, c.createArrayOf("int4", aPartition.toArray(new Integer[0])));
                s.setArray(4, c.createArrayOf("int8", aOffset.toArray(new Long[0])));
                s.setArray(5, ArrayParameters.text(c, aUrl));
                s.setArray(6, ArrayParameters.text(c, aTarget));
                s.setArray(7, c.createArrayOf("int4", aAttempt.toArray(new Integer[0])));
                s.setArray(8, ArrayParameters.text(c, aOutcome));
                s.setArray(9, c.createArrayOf("int4", aStatus.toArray(new Integer[0])));
                s.setArray(10, ArrayParameters.text(c, aReason));
                s.setArray(11, ArrayParameters.text(c, aStartedAt));
                s.setArray(12, c.createArrayOf("int8", aDuration.toArray(new Long[0])));
                s.setArray(13, c.createArrayOf("bool", aStarted.toArray(new Boolean[0])));
                s.executeUpdate();
            }
        }
        if (!oJob.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO outcomes (job_id, recorded_at, results_partition,"
                    + " results_offset, region, state, delivered_by, reason) SELECT * FROM unnest(?::text[],"
                    + " ?::timestamptz[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])"
                    + " ON CONFLICT DO NOTHING")) {
                s.setArray(1, ArrayParameters.text(c, oJob));
                ArrayParameters.timestamps(s, 2, oAt);
                s.setArray(3, c.createArrayOf("int4", oPartition.toArray(new Integer[0])));
                s.setArray(4, c.createArrayOf("int8", oOffset.toArray(new Long[0])));
                s.setArray(5, ArrayParameters.text(c, oRegion));
                s.setArray(6, ArrayParameters.text(c, oState));
                s.setArray(7, ArrayParameters.text(c, oDeliveredBy));
                s.setArray(8, ArrayParameters.text(c, oReason));
                s.executeUpdate();
            }
        }
    }

    /**
     * Sets the state of the jobs of {@code ids} from what the store holds of them ({@code fold_jobs()}:
     * the first final outcome by record time, else in flight once begun; the newest attempt's
     * outcome). {@code fromScratch}: the row's own state is not trusted (it was written before some
     * of its results were known). Returns the ids with no job row yet.
     */
    static Set<String> fold(Connection c, Set<String> ids, Instant since, boolean fromScratch) throws SQLException {
        Set<String> missing = new LinkedHashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT missing FROM fold_jobs(?::text[], ?, ?)")) {
            s.setArray(1, ArrayParameters.text(c, ids));
            s.setTimestamp(2, Timestamp.from(since));
            s.setBoolean(3, fromScratch);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    missing.add(r.getString(1));
                }
            }
        }
        return missing;
    }

    /** Applies the batch's results to existing rows ({@code apply_results()}); returns the ids with no row yet. */
    private static Set<String> apply(Connection c, Set<String> ids, Map<String, Folded> folded, Instant since)
            throws SQLException {
        int n = ids.size();
        List<String> states = new ArrayList<>(n);
        List<String> by = new ArrayList<>(n);
        List<String> reasons = new ArrayList<>(n);
        List<Timestamp> finished = new ArrayList<>(n);
        List<String> outcomes = new ArrayList<>(n);
        List<Boolean> began = new ArrayList<>(n);
        for (String id : ids) {
            Folded known = folded.get(id);
            ResultEvent.Final first = known.firstFinalEvent;
            states.add(first == null ? null : first.state());
            by.add(first == null ? null : first.deliveredBy());
            reasons.add(first == null ? null : first.reason());
            finished.add(first == null ? null : new Timestamp(known.firstFinal.timestampMs()));
            outcomes.add(known.newestOutcome);
            began.add(known.began);
        }
        Set<String> missing = new LinkedHashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT missing FROM apply_results(?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::timestamptz[], ?::text[], ?::boolean[], ?)")) {
            s.setArray(1, ArrayParameters.text(c, ids));
            s.setArray(2, ArrayParameters.text(c, states));
            s.setArray(3, ArrayParameters.text(c, by));
            s.setArray(4, ArrayParameters.text(c, reasons));
            ArrayParameters.timestamps(s, 5, finished);
            s.setArray(6, ArrayParameters.text(c, outcomes));
            s.setArray(7, c.createArrayOf("bool", began.toArray(new Boolean[0])));
            s.setTimestamp(8, Timestamp.from(since.minus(LOOK_BACK)));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    missing.add(r.getString(1));
                }
            }
        }
        return missing;
    }

    /** Notes the ids of results whose job has no row yet: the job's arrival (or the sweep) folds them. */
    private static void noteOrphans(Connection c, Set<String> ids) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO orphan_results (job_id, noted_at)"
                + " SELECT id, now() FROM unnest(?::text[]) AS i(id) ON CONFLICT DO NOTHING")) {
            s.setArray(1, ArrayParameters.text(c, ids));
            s.executeUpdate();
        }
    }

    /** Of {@code ids} (jobs just inserted), those with results noted before them; their notes are removed. */
    private static Set<String> takeOrphans(Connection c, Set<String> ids) throws SQLException {
        Set<String> taken = new LinkedHashSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM orphan_results WHERE job_id = ANY(?::text[]) RETURNING job_id")) {
            s.setArray(1, ArrayParameters.text(c, ids));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    taken.add(r.getString(1));
                }
            }
        }
        return taken;
    }

    /**
     * Folds orphans whose job has arrived since (a job and its results written by two replicas at the
     * same moment each miss the other's uncommitted rows); forgets orphans older than the retention
     * (results of a record that never became a job: a poison record). Cheap when there are none.
     */
    static int sweepOrphans(Connection c, Duration retention) throws SQLException {
        c.setAutoCommit(false);
        try {
            Set<String> found = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("DELETE FROM orphan_results o WHERE EXISTS (SELECT 1 FROM jobs j"
                    + " WHERE j.id = o.job_id AND j.accepted_at >= o.noted_at - interval '2 days') RETURNING job_id")) {
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        found.add(r.getString(1));
                    }
                }
            }
            if (!found.isEmpty()) {
                fold(c, found, Instant.now().minus(retention), true);
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM orphan_results WHERE noted_at < now() - ?::interval")) {
                s.setString(1, retention.toSeconds() + " seconds");
                s.executeUpdate();
            }
            c.commit();
            return found.size();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /**
     * The times a row may carry and find its day partition, by the server's clock (it makes and
     * drops the partitions by it, whatever this process's clock says): from the oldest kept day (an
     * hour of margin for midnight passing mid-batch; older rows, a backfill of old topics, are left
     * out) to two days ahead (partitions are made three ahead; rows from a producer's clock far ahead
     * are clamped). A row outside would fail its whole batch, again at every try: a stalled sink.
     */
    private record PartitionBounds(Instant oldest, Instant newest) {

        static PartitionBounds read(Connection c, int keepDays) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', now()")) {
                r.next();
                Instant today = r.getTimestamp(1).toInstant();
                Instant now = r.getTimestamp(2).toInstant();
                return new PartitionBounds(today.minus(Duration.ofDays(keepDays)).plus(Duration.ofHours(1)),
                        now.plus(Duration.ofDays(2)));
            }
        }

        Instant clamp(Instant at) {
            return at.isAfter(newest) ? newest : at;
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
