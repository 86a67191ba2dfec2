package dev.edgedispatcher.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer;
import dev.edgedispatcher.embeddedpostgres.StoreCredentials;
import dev.edgedispatcher.store.AcceptedJob;
import dev.edgedispatcher.store.JobQuery;
import dev.edgedispatcher.store.JobStore;
import dev.edgedispatcher.store.JobStoreConfig;
import dev.edgedispatcher.store.ListCursor;
import dev.edgedispatcher.store.RecordedResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The job store alone, on a real PostgreSQL 17 (the embedded server, on this machine):
 * <ol>
 * <li>sink throughput: jobs written as the sink writes them (a batch of region records, then a
 * batch of final outcomes carrying their attempt, as a worker writes one results record per job
 * delivered at the first try), with this JVM's and PostgreSQL's CPU per job;</li>
 * <li>with {@code retained} jobs in the store (filled by SQL over the last 6 days), the latency of
 * a status lookup by id and of listing pages (newest, by account, by host, a time window).</li>
 * </ol>
 * Usage: {@code StoreBenchmark [sink-jobs=200000] [retained=10000000]}.
 */
public final class StoreBenchmark {

    private static final int BATCH = 2000;

    public static void main(String[] args) throws Exception {
        int sinkJobs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long retained = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        Path dir = Files.createTempDirectory("store-bench");
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), 0)) {
            StoreCredentials credentials = postgres.database("bench");
            try (JobStore store = JobStore.open(JobStoreConfig.of(credentials.asProperties()), Clock.systemUTC(),
                    new SimpleMeterRegistry())) {
                System.out.printf("# store benchmark: PostgreSQL 17 (embedded), sink batches of %d records%n", BATCH);
                sink(store, postgres, sinkJobs / 5, "warm-up", true);
                sink(store, postgres, sinkJobs, "together", true);
                sink(store, postgres, sinkJobs, "apart", false);
                claims(store, postgres, sinkJobs / 5, "warm-up");
                claims(store, postgres, sinkJobs, "measured");
                fill(credentials, retained);
                lookups(store, credentials);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * {@code together}: a batch holds jobs' records and their outcomes, as a poll does at a steady
     * rate (the worker delivers within milliseconds of the accept); else the outcomes come in the
     * next batch (a slow delivery, or partitions read at different paces): the job's row is written
     * twice.
     */
    private static void sink(JobStore store, EmbeddedPostgresServer postgres, int jobs, String phase, boolean together)
            throws Exception {
        String prefix = phase.substring(0, 1) + System.nanoTime() + "-";
        long offset = 0;
        long cpuBefore = ownCpuMillis();
        long pgBefore = PostgresCpu.millis(postgres.dataDirectory());
        long start = System.nanoTime();
        for (int from = 0; from < jobs; from += BATCH / 2) {
            int n = Math.min(BATCH / 2, jobs - from);
            List<AcceptedJob> accepted = new ArrayList<>(n);
            List<RecordedResult> results = new ArrayList<>(n);
            long now = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                String id = prefix + (from + i);
                JobRecord job = JobRecord.builder(id, "https://h" + (i % 100) + ".example.com/hook#er=frankfurt", "frankfurt")
                        .account(i % 10 == 0 ? "acme" : null)
                        .resolution(JsonNodeFactory.instance.objectNode().put("rule", "explicit"))
                        .policy(JsonNodeFactory.instance.objectNode().put("ct", 2000).put("rt", 5000))
                        .submittedAt(java.time.Instant.ofEpochMilli(now)).build();
                accepted.add(AcceptedJob.of(job, "webhooks.region.frankfurt", 0, offset++));
                results.add(new RecordedResult(ResultEvent.finalOutcome(id, "frankfurt", JobState.DELIVERED, "primary", List.of(), null)
                        .withLastAttempt(ResultEvent.attempt(id, "frankfurt", job.url(), "primary", 1, "ok", 200, null,
                                Instant.ofEpochMilli(now).toString(), 7)), 0, offset++, now));
            }
            if (together) {
                store.write(accepted, results);
            } else {
                store.write(accepted, List.of());
                store.write(List.of(), results);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = ownCpuMillis() - cpuBefore;
        long pg = PostgresCpu.millis(postgres.dataDirectory()) - pgBefore;
        System.out.printf("sink %s: %,d jobs (a region record and a final outcome each) in %.1f s = %,.0f jobs/s;"
                + " CPU per job: this JVM %.0f us, PostgreSQL %.0f us%n", phase, jobs, seconds, jobs / seconds,
                cpu * 1000.0 / jobs, pg * 1000.0 / jobs);
    }

    /**
     * Claims of new ids as the scheduler makes them under load ({@code JobStore.claimAll}, batches of
     * 1,000 distinct ids never seen before, each with a small accept document): claims per second and
     * CPU per claim of this JVM and of PostgreSQL.
     */
    private static void claims(JobStore store, EmbeddedPostgresServer postgres, int ids, String phase) throws Exception {
        String prefix = "c" + System.nanoTime() + "-";
        long cpuBefore = ownCpuMillis();
        long pgBefore = PostgresCpu.millis(postgres.dataDirectory());
        long start = System.nanoTime();
        for (int from = 0; from < ids; from += 1000) {
            List<JobStore.ClaimRequest> batch = new ArrayList<>(1000);
            for (int i = from; i < Math.min(ids, from + 1000); i++) {
                batch.add(new JobStore.ClaimRequest(prefix + i, i % 10 == 0 ? "acme" : "default", "webhooks.region.frankfurt",
                        JsonNodeFactory.instance.objectNode().put("id", prefix + i).put("status", "queued")
                                .put("region", "frankfurt")));
            }
            store.claimAll(batch, "bench");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = ownCpuMillis() - cpuBefore;
        long pg = PostgresCpu.millis(postgres.dataDirectory()) - pgBefore;
        System.out.printf("claims %s: %,d new ids in batches of 1,000 in %.1f s = %,.0f claims/s; CPU per claim: this JVM"
                + " %.0f us, PostgreSQL %.0f us%n", phase, ids, seconds, ids / seconds, cpu * 1000.0 / ids, pg * 1000.0 / ids);
    }

    /** Fills the store to {@code retained} jobs over the last 6 days, by SQL (the owner's role), with one attempt each. */
    private static void fill(StoreCredentials credentials, long retained) throws Exception {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(credentials.url(), credentials.migrationUser(),
                credentials.migrationPassword()); Statement s = c.createStatement()) {
            long chunk = 1_000_000;
            for (long from = 0; from < retained; from += chunk) {
                long to = Math.min(retained, from + chunk) - 1;
                s.execute("INSERT INTO jobs (id, accepted_at, account, region, host, state, delivered_by, last_outcome,"
                        + " finished_at, resolution, policy, topic, kafka_partition, kafka_offset)"
                        + " SELECT 'f-' || g, now() - (g::double precision / " + retained + ") * interval '6 days',"
                        + " CASE WHEN g % 10 = 0 THEN 'acme' ELSE 'default' END,"
                        + " (ARRAY['n_california','n_virginia','frankfurt','singapore','mumbai'])[1 + g % 5],"
                        + " 'h' || (g % 1000) || '.example.com', CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'delivered' END,"
                        + " 'primary', 'ok', now() - (g::double precision / " + retained + ") * interval '6 days',"
                        + " '{\"rule\":\"explicit\"}', '{\"ct\":2000}', 'webhooks.region.frankfurt', 0, g"
                        + " FROM generate_series(" + from + ", " + to + ") g");
                s.execute("INSERT INTO attempts (job_id, recorded_at, results_partition, results_offset, url, target, attempt,"
                        + " outcome, status, started_at, duration_ms)"
                        + " SELECT 'f-' || g, now() - (g::double precision / " + retained + ") * interval '6 days', 1, g,"
                        + " 'https://h.example.com/', 'primary', 1, 'ok', 200, '2026-12-01T00:00:00Z', 7"
                        + " FROM generate_series(" + from + ", " + to + ") g");
            }
            s.execute("ANALYZE");
        }
        System.out.printf("filled: %,d jobs with one attempt each over the last 6 days in %.0f s%n", retained,
                (System.nanoTime() - start) / 1e9);
    }

    private static void lookups(JobStore store, StoreCredentials credentials) throws Exception {
        Random random = new Random(42);
        long[] status = new long[5000];
        try (Connection c = DriverManager.getConnection(credentials.url(), credentials.user(), credentials.password());
                Statement s = c.createStatement(); var r = s.executeQuery("SELECT count(*) FROM jobs")) {
            r.next();
            long count = r.getLong(1);
            for (int i = 0; i < status.length; i++) {
                String id = "f-" + (long) (random.nextDouble() * (count - 1));
                long t = System.nanoTime();
                store.statusDocument(id, Optional.empty());
                status[i] = System.nanoTime() - t;
            }
            report("status by id (" + String.format("%,d", count) + " jobs retained)", status);
        }
        record Listing(String name, JobQuery query) {
        }
        Instant now = Instant.now();
        List<Listing> listings = List.of(
                new Listing("newest, no filter", JobQuery.all()),
                new Listing("by account (10% of jobs)", JobQuery.all().forAccount("acme")),
                new Listing("by host (0.1% of jobs)", JobQuery.all().withHost("h7.example.com")),
                new Listing("failed (2%)", JobQuery.all().withState(JobState.FAILED)),
                new Listing("a one-hour window 3 days ago", JobQuery.all()
                        .acceptedFrom(now.minus(Duration.ofHours(73))).acceptedBefore(now.minus(Duration.ofHours(72)))));
        for (Listing listing : listings) {
            long[] pages = new long[300];
            Optional<ListCursor> cursor = Optional.empty();
            for (int i = 0; i < pages.length; i++) {
                long t = System.nanoTime();
                JobStore.Page page = store.list(listing.query(), cursor, 50);
                pages[i] = System.nanoTime() - t;
                cursor = page.next();
            }
            report("list page of 50, " + listing.name() + ", 300 pages following the cursor", pages);
        }
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static long ownCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
                / 1_000_000;
    }
}
