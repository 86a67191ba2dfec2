package dev.edgedispatcher.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.RecordJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The job store: job history in PostgreSQL (jobs, attempts and outcomes as rows, partitioned by
 * day), the idempotency claims of client ids, and the queries of the API and the status page.
 * Plain and blocking (JDBC on a pool): callers run it off the event loops. The clock is injected.
 *
 * <p>Every method either answers from the store or throws {@link StoreUnavailableException}: a
 * store that cannot be asked is never mistaken for a job that does not exist.
 */
public final class JobStore implements AutoCloseable {

    /** The account of a job that names none. */
    public static final String DEFAULT_ACCOUNT = "default";
    /** Final jobs counted on the status page: those finished within this window. */
    public static final Duration FINAL_COUNT_WINDOW = Duration.ofMinutes(5);
    /** Deliveries per second are averaged over this window. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    /** Results of a job are looked for from this long before its accept (clocks of processes differ). */
    private static final Duration SKEW = Duration.ofHours(1);

    private final JobStoreConfig config;
    private final HikariDataSource pool;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final SinkWriter writer;
    private final io.micrometer.core.instrument.Counter claimRecoveries;

    private JobStore(JobStoreConfig config, HikariDataSource pool, Clock clock, MeterRegistry metrics) {
        this.config = config;
        this.pool = pool;
        this.clock = clock;
        this.metrics = metrics;
        this.writer = new SinkWriter(this, clock);
        // Registered now, so that /metrics shows them (at 0) before the first recovery.
        this.claimRecoveries = io.micrometer.core.instrument.Counter.builder("dispatcher_store_claim_recoveries")
                .description("claims whose record provably never reached Kafka, taken over and published").register(metrics);
    }

    /**
     * Migrates the schema (as the owner role, once per version across replicas), creates today's
     * and the coming days' partitions and opens the runtime pool.
     */
    public static JobStore open(JobStoreConfig config, Clock clock, MeterRegistry metrics) {
        StoreMigrations.migrate(config);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("job-store");
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(2);
        // Fail fast when the store is away: callers answer 503 instead of queueing behind a dead pool.
        hikari.setConnectionTimeout(2_000);
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(30_000);
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("connectTimeout", "3");
        // A hung server (frozen, partitioned) ends a call after this; callers answer 503 sooner (5 s).
        hikari.addDataSourceProperty("socketTimeout", "10");
        hikari.addDataSourceProperty("ApplicationName", "edge-dispatcher-scheduler");
        config.driverProperties().forEach((key, value) -> hikari.addDataSourceProperty((String) key, value));
        hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
        JobStore store = new JobStore(config, new HikariDataSource(hikari), clock, metrics);
        store.upkeep();
        return store;
    }

    /** The host of a URL as the {@code host=} filter compares it: lower case, no user info, no port. */
    public static String hostOf(String url) {
        return SinkWriter.hostOf(url);
    }

    /** This store's identity (made when its schema was): what names the sink's consumer group. */
    public String identity() {
        return timed("identity", () -> {
            try (Connection c = connection(); PreparedStatement s = c.prepareStatement("SELECT id::text FROM store_identity");
                    ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        });
    }

    public JobStoreConfig config() {
        return config;
    }

    /** Writes what the sink read (see {@link SinkWriter}). */
    public void write(List<AcceptedJob> jobs, List<RecordedResult> results) {
        timed("sink_write", () -> {
            writer.write(jobs, results);
            return null;
        });
    }

    /** Folds results read before their job whose job has arrived since; returns how many (see {@link SinkWriter}). */
    public int sweepOrphans() {
        return timed("sweep_orphans", () -> {
            try (Connection c = connection()) {
                return SinkWriter.sweepOrphans(c, config.retention());
            }
        });
    }

    /** The sink has read {@code topic}'s {@code partitions} up to {@code caughtUpAt} (for claim recovery). */
    public void recordProgress(String topic, List<Integer> partitions, Instant caughtUpAt) {
        if (partitions.isEmpty()) {
            return;
        }
        timed("sink_progress", () -> {
            try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                    "INSERT INTO sink_progress (topic, partition, caught_up_at) VALUES (?, ?, ?)"
                            + " ON CONFLICT (topic, partition) DO UPDATE SET caught_up_at = GREATEST(sink_progress.caught_up_at,"
                            + " EXCLUDED.caught_up_at)")) {
                for (int partition : partitions) {
                    s.setString(1, topic);
                    s.setInt(2, partition);
                    s.setTimestamp(3, Timestamp.from(caughtUpAt));
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- claims

    /**
     * Claims a client's {@code id} before its record is produced (docs/job-store.md, "Claims").
     * {@code document} is the accept document the job will have; {@code topic} the region topic it
     * goes to; {@code owner} names this replica (logs and recoveries).
     */
    public ClaimOutcome claim(String id, String account, String topic, ObjectNode document, String owner) {
        return claimAll(List.of(new ClaimRequest(id, account, topic, document)), owner).get(0);
    }

    /** One id to claim: its account, region topic and the accept document it will have. */
    public record ClaimRequest(String id, String account, String topic, ObjectNode document) {
    }

    /**
     * {@link #claim} for many ids in one round trip (one transaction): the outcomes in the order of
     * {@code requests}. The ids must be distinct.
     */
    public List<ClaimOutcome> claimAll(List<ClaimRequest> requests, String owner) {
        if (requests.isEmpty()) {
            return List.of();
        }
        return timed("claim_batch", () -> {
            try (Connection c = connection(); PreparedStatement s = c.prepareStatement("SELECT id, outcome, account,"
                    + " document::text FROM claim_jobs(?, ?, ?, ?::jsonb[], ?, ?::interval, ?::interval)")) {
                int n = requests.size();
                String[] ids = new String[n];
                String[] accounts = new String[n];
                String[] topics = new String[n];
                String[] documents = new String[n];
                for (int i = 0; i < n; i++) {
                    ClaimRequest request = requests.get(i);
                    ids[i] = request.id();
                    accounts[i] = request.account();
                    topics[i] = request.topic();
                    documents[i] = RecordJson.MAPPER.writeValueAsString(request.document());
                }
                s.setArray(1, c.createArrayOf("text", ids));
                s.setArray(2, c.createArrayOf("text", accounts));
                s.setArray(3, c.createArrayOf("text", topics));
                s.setArray(4, c.createArrayOf("text", documents));
                s.setString(5, owner);
                s.setString(6, config.idempotencyWindow().toSeconds() + " seconds");
                s.setString(7, config.claimRecoveryAfter().toSeconds() + " seconds");
                Map<String, ClaimOutcome> byId = new HashMap<>(n * 2);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ClaimOutcome.Kind kind = ClaimOutcome.Kind.valueOf(r.getString(2).toUpperCase(java.util.Locale.ROOT));
                        if (kind == ClaimOutcome.Kind.RECOVERED) {
                            claimRecoveries.increment();
                        }
                        byId.put(r.getString(1), new ClaimOutcome(kind, r.getString(3),
                                (ObjectNode) RecordJson.MAPPER.readTree(r.getString(4))));
                    }
                }
                List<ClaimOutcome> outcomes = new ArrayList<>(n);
                for (String id : ids) {
                    outcomes.add(byId.get(id));
                }
                return outcomes;
            }
        });
    }

    /**
     * Kafka did not take the record of a claimed id (the producer gave up): the claim is dropped, so
     * the client's retry publishes it. Only a claim of {@code owner}'s that is still unconfirmed.
     */
    public void releaseClaim(String id, String owner) {
        timed("claim_release", () -> {
            try (Connection c = connection(); PreparedStatement s = c.prepareStatement(
                    "DELETE FROM job_claims WHERE id = ? AND owner = ? AND state = 'claimed' AND claimed_at > now() - ?::interval")) {
                s.setString(1, id);
                s.setString(2, owner);
                s.setString(3, config.idempotencyWindow().toSeconds() + " seconds");
                s.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- reads

    /** What a retry needs to know of a job: its state and where its record is. */
    public record Snapshot(String id, JobState state, Optional<RecordLocation> location) {
        public boolean isFinal() {
            return state.isFinal();
        }
    }

    /** A job of a redrive: its id and where its region record is. */
    public record Match(String id, Optional<RecordLocation> location) {
    }

    /** One page of a listing: status documents newest first, and where the next page starts. */
    public record Page(List<ObjectNode> jobs, Optional<ListCursor> next) {
    }

    /** The status document of {@code id} (the newest job of that id); with an account, only if it is that account's. */
    public Optional<ObjectNode> statusDocument(String id, Optional<String> account) {
        return timed("status", () -> {
            try (Connection c = connection()) {
                List<JobRow> rows = selectJobs(c, "WHERE id = ?" + (account.isPresent() ? " AND account = ?" : "")
                        + " ORDER BY accepted_at DESC LIMIT 1", s -> {
                            s.setString(1, id);
                            if (account.isPresent()) {
                                s.setString(2, account.get());
                            }
                        });
                if (rows.isEmpty()) {
                    return Optional.<ObjectNode>empty();
                }
                return Optional.of(documents(c, rows).get(0));
            }
        });
    }

    /** The state and record location of {@code id}, for a retry. */
    public Optional<Snapshot> snapshot(String id, Optional<String> account) {
        return timed("snapshot", () -> {
            try (Connection c = connection()) {
                List<JobRow> rows = selectJobs(c, "WHERE id = ?" + (account.isPresent() ? " AND account = ?" : "")
                        + " ORDER BY accepted_at DESC LIMIT 1", s -> {
                            s.setString(1, id);
                            if (account.isPresent()) {
                                s.setString(2, account.get());
                            }
                        });
                return rows.stream().findFirst().map(row -> new Snapshot(row.id, row.state,
                        Optional.of(new RecordLocation(row.id, row.topic, row.partition, row.offset))));
            }
        });
    }

    /**
     * Jobs matching {@code query}, newest accept first, strictly after {@code after}; at most
     * {@code limit}, with a cursor when more follow. Served by the (accept time, id) indexes.
     */
    public Page list(JobQuery query, Optional<ListCursor> after, int limit) {
        return timed("list", () -> {
            try (Connection c = connection()) {
                Filter filter = Filter.of(query, after);
                List<JobRow> rows = selectJobs(c, filter.where() + " ORDER BY accepted_at DESC, id DESC LIMIT " + (limit + 1),
                        filter::bind);
                Optional<ListCursor> next = Optional.empty();
                if (rows.size() > limit) {
                    rows = rows.subList(0, limit);
                    JobRow last = rows.get(limit - 1);
                    next = Optional.of(new ListCursor(last.acceptedAt.toEpochMilli(), last.id));
                }
                return new Page(documents(c, rows), next);
            }
        });
    }

    /**
     * At most {@code limit} jobs matching {@code query}, newest first, leaving out jobs already sent
     * again (some job has {@code retry_of} = their id): their newest repeat stands for them.
     */
    public List<Match> matches(JobQuery query, int limit) {
        return timed("matches", () -> {
            try (Connection c = connection()) {
                Filter filter = Filter.of(query, Optional.empty());
                List<JobRow> rows = selectJobs(c, filter.where()
                        + " AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.retry_of = jobs.id)"
                        + " ORDER BY accepted_at DESC, id DESC LIMIT " + limit, filter::bind);
                List<Match> matches = new ArrayList<>(rows.size());
                for (JobRow row : rows) {
                    matches.add(new Match(row.id, Optional.of(new RecordLocation(row.id, row.topic, row.partition, row.offset))));
                }
                return matches;
            }
        });
    }

    /** Per region: jobs by state (queued and in flight: all; delivered and failed: finished in the last {@link #FINAL_COUNT_WINDOW}), and deliveries per second. */
    public record RegionSummary(Map<String, Map<String, Long>> jobsByRegion, Map<String, Double> deliveriesPerSecond) {
    }

    /** The status page's figures, of one account or of all; the same whichever replica asks. */
    public RegionSummary summary(Optional<String> account) {
        return timed("summary", () -> {
            Map<String, Map<String, Long>> byRegion = new LinkedHashMap<>();
            Map<String, Double> rates = new HashMap<>();
            Instant now = clock.instant();
            try (Connection c = connection()) {
                String accountFilter = account.isPresent() ? " AND account = ?" : "";
                try (PreparedStatement s = c.prepareStatement("SELECT region, state, count(*) FROM jobs"
                        + " WHERE state IN ('queued', 'in_flight')" + accountFilter + " GROUP BY region, state")) {
                    if (account.isPresent()) {
                        s.setString(1, account.get());
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            byRegion.computeIfAbsent(r.getString(1), k -> new LinkedHashMap<>()).put(r.getString(2), r.getLong(3));
                        }
                    }
                }
                // Final outcomes recorded in the window (the outcomes' key starts with their time), and of
                // those the deliveries of the last RATE_WINDOW.
                String finals = account.isPresent()
                        ? "SELECT o.region, o.state, count(*), count(*) FILTER (WHERE o.recorded_at >= ?) FROM outcomes o"
                                + " JOIN jobs j ON j.id = o.job_id AND j.accepted_at >= ? WHERE o.recorded_at >= ?"
                                + " AND j.account = ? GROUP BY o.region, o.state"
                        : "SELECT region, state, count(*), count(*) FILTER (WHERE recorded_at >= ?) FROM outcomes"
                                + " WHERE recorded_at >= ? GROUP BY region, state";
                try (PreparedStatement s = c.prepareStatement(finals)) {
                    int i = 1;
                    s.setTimestamp(i++, Timestamp.from(now.minus(RATE_WINDOW)));
                    if (account.isPresent()) {
                        s.setTimestamp(i++, Timestamp.from(now.minus(FINAL_COUNT_WINDOW).minus(Duration.ofDays(1))));
                    }
                    s.setTimestamp(i++, Timestamp.from(now.minus(FINAL_COUNT_WINDOW)));
                    if (account.isPresent()) {
                        s.setString(i, account.get());
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            String region = r.getString(1);
                            if (region == null) {
                                continue;
                            }
                            byRegion.computeIfAbsent(region, k -> new LinkedHashMap<>()).merge(r.getString(2), r.getLong(3), Long::sum);
                            if (JobState.DELIVERED.wireName().equals(r.getString(2))) {
                                rates.merge(region, r.getLong(4) / (double) RATE_WINDOW.toSeconds(), Double::sum);
                            }
                        }
                    }
                }
            }
            return new RegionSummary(byRegion, rates);
        });
    }

    /** Partition upkeep: creates the coming days' partitions, drops those past retention. */
    public record Upkeep(int created, int dropped, int daysAhead) {
    }

    public Upkeep upkeep() {
        return timed("upkeep", () -> {
            try (Connection c = connection(); PreparedStatement s = c.prepareStatement("SELECT * FROM store_upkeep(?, ?, 3)")) {
                s.setInt(1, config.retentionDays());
                s.setInt(2, config.claimDays());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return new Upkeep(r.getInt(1), r.getInt(2), r.getInt(3));
                }
            }
        });
    }

    /** Whether the store answers a trivial query within {@code timeout}. */
    public boolean ping(Duration timeout) {
        try (Connection c = pool.getConnection()) {
            return c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- internals

    /** One row of {@code jobs}. */
    record JobRow(String id, Instant acceptedAt, String account, String region, String host, JobState state,
            String deliveredBy, String reason, String lastOutcome, String retryOf, String resolution, String topic,
            int partition, long offset) {
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static final String JOB_COLUMNS = "id, accepted_at, account, region, host, state, delivered_by, reason,"
            + " last_outcome, retry_of, resolution::text, topic, kafka_partition, kafka_offset";

    private List<JobRow> selectJobs(Connection c, String rest, Binder binder) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM jobs " + rest)) {
            binder.bind(s);
            List<JobRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new JobRow(r.getString(1), r.getTimestamp(2).toInstant(), r.getString(3), r.getString(4),
                            r.getString(5), stateOf(r.getString(6)), r.getString(7), r.getString(8), r.getString(9), r.getString(10),
                            r.getString(11), r.getString(12), r.getInt(13), r.getLong(14)));
                }
            }
            return rows;
        }
    }

    /** A state as the store holds it; its CHECK constraint admits only the four states. */
    private static JobState stateOf(String stored) {
        return JobState.fromWire(stored).orElseThrow(() -> new IllegalStateException("the job store holds a state this"
                + " version does not know: '" + stored + "'"));
    }

    /** Status documents of {@code rows}, in their order, with their attempts (one query for all). */
    private List<ObjectNode> documents(Connection c, List<JobRow> rows) throws SQLException, IOException {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, ArrayNode> attempts = new HashMap<>();
        Instant earliest = rows.stream().map(JobRow::acceptedAt).min(Instant::compareTo).orElseThrow().minus(SKEW);
        try (PreparedStatement s = c.prepareStatement("SELECT job_id, url, target, attempt, outcome, status, reason,"
                + " started_at, duration_ms FROM attempts WHERE job_id = ANY(?) AND recorded_at >= ? AND NOT started"
                + " ORDER BY recorded_at, results_partition, results_offset")) {
            Array ids = c.createArrayOf("text", rows.stream().map(JobRow::id).distinct().toArray());
            s.setArray(1, ids);
            s.setTimestamp(2, Timestamp.from(earliest));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ObjectNode attempt = JsonNodeFactory.instance.objectNode();
                    attempt.put("url", r.getString(2));
                    attempt.put("target", r.getString(3));
                    putInt(attempt, "attempt", r, 4);
                    attempt.put("outcome", r.getString(5));
                    putInt(attempt, "status", r, 6);
                    attempt.put("reason", r.getString(7));
                    attempt.put("started_at", r.getString(8));
                    long duration = r.getLong(9);
                    if (r.wasNull()) {
                        attempt.putNull("duration_ms");
                    } else {
                        attempt.put("duration_ms", duration);
                    }
                    attempts.computeIfAbsent(r.getString(1), k -> JsonNodeFactory.instance.arrayNode()).add(attempt);
                }
            }
        }
        List<ObjectNode> documents = new ArrayList<>(rows.size());
        for (JobRow row : rows) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("id", row.id);
            node.put("state", row.state.wireName());
            node.put("region", row.region);
            node.set("resolution", row.resolution == null ? null : RecordJson.MAPPER.readTree(row.resolution));
            node.put("delivered_by", row.deliveredBy);
            node.put("account", row.account);
            node.put("host", row.host);
            node.put("submitted_at", row.acceptedAt.toString());
            node.put("last_outcome", row.lastOutcome);
            node.put("retry_of", row.retryOf);
            if (row.state == JobState.FAILED && row.reason != null) {
                // Why the job failed as a whole: a poison record has no attempt to carry it.
                node.put("reason", row.reason);
            }
            ArrayNode list = attempts.get(row.id);
            node.set("attempts", list == null ? JsonNodeFactory.instance.arrayNode() : list);
            documents.add(node);
        }
        return documents;
    }

    private static void putInt(ObjectNode node, String field, ResultSet r, int column) throws SQLException {
        int value = r.getInt(column);
        if (r.wasNull()) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    /** The WHERE clause of a listing's filters and cursor, and its parameters in order. */
    private record Filter(String where, List<Object> values) {

        static Filter of(JobQuery query, Optional<ListCursor> after) {
            StringBuilder where = new StringBuilder("WHERE true");
            List<Object> values = new ArrayList<>();
            query.state().ifPresent(v -> add(where, values, " AND state = ?", v.wireName()));
            query.region().ifPresent(v -> add(where, values, " AND region = ?", v.wireName()));
            query.account().ifPresent(v -> add(where, values, " AND account = ?", v));
            query.host().ifPresent(v -> add(where, values, " AND host = ?", v));
            query.outcome().ifPresent(v -> add(where, values, " AND last_outcome = ?", v));
            query.since().ifPresent(v -> add(where, values, " AND accepted_at >= ?", Timestamp.from(v)));
            query.until().ifPresent(v -> add(where, values, " AND accepted_at < ?", Timestamp.from(v)));
            after.ifPresent(cursor -> {
                where.append(" AND (accepted_at, id) < (?, ?)");
                values.add(new Timestamp(cursor.submittedAtMs()));
                values.add(cursor.id());
            });
            return new Filter(where.toString(), values);
        }

        private static void add(StringBuilder where, List<Object> values, String clause, Object value) {
            where.append(clause);
            values.add(value);
        }

        void bind(PreparedStatement statement) throws SQLException {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
        }
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @FunctionalInterface
    interface StoreCall<T> {
        T call() throws SQLException, IOException;
    }

    /** Runs a store call, timing it; any SQL failure becomes {@link StoreUnavailableException}. */
    <T> T timed(String query, StoreCall<T> call) {
        Timer timer = timers.computeIfAbsent(query, q -> Timer.builder("dispatcher_store_query")
                .description("job store calls by kind").tag("query", q).register(metrics));
        long started = System.nanoTime();
        try {
            return call.call();
        } catch (SQLTransientConnectionException e) {
            throw new StoreUnavailableException("the job store is unavailable: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the job store failed (" + query + "): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            timer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    static JsonNode json(String text) {
        try {
            return text == null ? null : RecordJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
