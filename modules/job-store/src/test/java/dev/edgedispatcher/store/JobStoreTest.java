package dev.edgedispatcher.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresExtension;
import dev.edgedispatcher.embeddedpostgres.StoreCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The job store against a real PostgreSQL 17: idempotent writes, the first final outcome, claims, listing, retention. */
@ExtendWith(EmbeddedPostgresExtension.class)
class JobStoreTest {

    /**
     * Noon of today (UTC): the store's clock in these tests. Today's, not a fixed date, because the
     * server makes its day partitions by its own clock, which the tests cannot fix.
     */
    private static final Instant NOW = java.time.LocalDate.now(ZoneOffset.UTC).atTime(12, 0).toInstant(ZoneOffset.UTC);

    private StoreCredentials credentials;
    private JobStore store;

    @BeforeEach
    void open() {
        credentials = EmbeddedPostgresExtension.newDatabase();
        store = JobStore.open(JobStoreConfig.of(credentials.asProperties()), Clock.fixed(NOW, ZoneOffset.UTC),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JobRecord job(String id, String account, Instant at) {
        return JobRecord.builder(id, "https://Hooks.Example.com:8443/a#er=frankfurt", "frankfurt").account(account)
                .policy(JsonNodeFactory.instance.objectNode().put("ct", 2000)).submittedAt(at).build();
    }

    private static AcceptedJob accepted(JobRecord job, long offset) {
        return AcceptedJob.of(job, "webhooks.region.frankfurt", 0, offset);
    }

    private static RecordedResult result(ResultEvent event, long offset, Instant at) {
        return new RecordedResult(event, 0, offset, at.toEpochMilli());
    }

    private static ResultEvent.Attempt attempt(String id, int n, String outcome) {
        return ResultEvent.attempt(id, "frankfurt", "https://hooks.example.com/a", "primary", n, outcome, 500, "HTTP 500",
                NOW.toString(), 12);
    }

    @Test
    void aBatchAppliedTwiceChangesNothingAndTheFirstFinalOutcomeStands() {
        JobRecord job = job("j1", null, NOW.minusSeconds(5));
        List<RecordedResult> results = List.of(
                result(attempt("j1", 1, "5xx"), 10, NOW.minusSeconds(4)),
                result(ResultEvent.finalOutcome("j1", "frankfurt", JobState.FAILED, null, List.of("5xx"), "5xx on every attempt"),
                        11, NOW.minusSeconds(3)));
        store.write(List.of(accepted(job, 7)), results);
        store.write(List.of(accepted(job, 7)), results);
        // A re-delivery after a worker crash: a second final outcome, later. It is kept, never applied.
        store.write(List.of(), List.of(result(ResultEvent.finalOutcome("j1", "frankfurt", JobState.DELIVERED, "primary", List.of(),
                null).withLastAttempt(attempt("j1", 1, "ok")), 12, NOW.minusSeconds(2))));

        ObjectNode status = store.statusDocument("j1", Optional.empty()).orElseThrow();
        assertThat(status.get("state").asText()).isEqualTo("failed");
        assertThat(status.get("reason").asText()).isEqualTo("5xx on every attempt");
        assertThat(status.get("account").asText()).isEqualTo("default");
        assertThat(status.get("host").asText()).isEqualTo("hooks.example.com");
        assertThat(status.get("attempts")).hasSize(2); // the first attempt once, and the duplicate's attempt
        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outcomes WHERE job_id = 'j1'")).isEqualTo(2);
    }

    /**
     * A sink behind a burst reads jobs and their results in different batches: the later batch's
     * results are applied to existing rows all at once (apply_results), each job taking its own
     * outcome; ids of that batch with no row yet are noted and folded when their job arrives.
     */
    @Test
    void resultsInALaterBatchAreAppliedToEachOfTheirJobsAndThoseWithoutARowWaitForIt() {
        List<AcceptedJob> jobs = new ArrayList<>();
        List<RecordedResult> results = new ArrayList<>();
        long offset = 100;
        for (int i = 0; i < 300; i++) {
            String id = "b" + i;
            jobs.add(accepted(job(id, null, NOW.minusSeconds(30)), offset++));
            ResultEvent event = switch (i % 3) {
                case 0 -> ResultEvent.finalOutcome(id, "frankfurt", JobState.DELIVERED, "primary", List.of(), null)
                        .withLastAttempt(ResultEvent.attempt(id, "frankfurt", "https://x/", "primary", 1, "ok", 200, null,
                                NOW.toString(), 3));
                case 1 -> ResultEvent.finalOutcome(id, "frankfurt", JobState.FAILED, null, List.of("5xx"), "reason " + i)
                        .withLastAttempt(attempt(id, 1, "5xx"));
                default -> attempt(id, 1, "5xx"); // retrying: in flight
            };
            results.add(result(event, offset++, NOW.minusSeconds(20)));
        }
        results.add(result(attempt("late", 1, "5xx"), offset++, NOW.minusSeconds(20)));
        store.write(jobs, List.of());
        assertThat(count("SELECT count(*) FROM jobs WHERE state = 'queued'")).isEqualTo(300);

        store.write(List.of(), results);

        assertThat(count("SELECT count(*) FROM jobs WHERE state = 'delivered' AND delivered_by = 'primary'"
                + " AND last_outcome = 'ok' AND finished_at IS NOT NULL")).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM jobs WHERE state = 'failed' AND reason = 'reason ' || substr(id, 2)"
                + " AND last_outcome = '5xx'")).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM jobs WHERE state = 'in_flight' AND finished_at IS NULL")).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM orphan_results WHERE job_id = 'late'")).isEqualTo(1);
        store.write(List.of(accepted(job("late", null, NOW.minusSeconds(25)), offset)), List.of());
        assertThat(store.statusDocument("late", Optional.empty()).orElseThrow().get("state").asText()).isEqualTo("in_flight");
        assertThat(count("SELECT count(*) FROM orphan_results")).isZero();
    }

    @Test
    void resultsReadBeforeTheirJobAreFoldedInWhenTheJobArrives() {
        store.write(List.of(), List.of(result(ResultEvent.finalOutcome("j2", "frankfurt", JobState.DELIVERED, "primary", List.of(),
                null).withLastAttempt(ResultEvent.attempt("j2", "frankfurt", "https://x/", "primary", 1, "ok", 200, null,
                        NOW.toString(), 3)), 20, NOW.minusSeconds(1))));
        assertThat(store.statusDocument("j2", Optional.empty())).isEmpty();
        store.write(List.of(accepted(job("j2", "acme", NOW.minusSeconds(2)), 8)), List.of());
        ObjectNode status = store.statusDocument("j2", Optional.of("acme")).orElseThrow();
        assertThat(status.get("state").asText()).isEqualTo("delivered");
        assertThat(status.get("delivered_by").asText()).isEqualTo("primary");
        assertThat(status.get("last_outcome").asText()).isEqualTo("ok");
        // Another account's job is not found.
        assertThat(store.statusDocument("j2", Optional.of("globex"))).isEmpty();
    }

    @Test
    void listingPagesNewestFirstWithAStableCursorAndFilters() {
        List<AcceptedJob> jobs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            jobs.add(accepted(job("l" + i, i % 2 == 0 ? "acme" : "globex", NOW.minusSeconds(100 - i)), i));
        }
        store.write(jobs, List.of());
        JobQuery acme = JobQuery.all().forAccount("acme");
        List<String> seen = new ArrayList<>();
        Optional<ListCursor> cursor = Optional.empty();
        do {
            JobStore.Page page = store.list(acme, cursor, 5);
            page.jobs().forEach(doc -> seen.add(doc.get("id").asText()));
            cursor = page.next();
            // A job accepted meanwhile (newer) never shifts the pages.
            store.write(List.of(accepted(job("new" + seen.size(), "acme", NOW), 100 + seen.size())), List.of());
        } while (cursor.isPresent());
        assertThat(seen).containsExactly("l24", "l22", "l20", "l18", "l16", "l14", "l12", "l10", "l8", "l6", "l4", "l2", "l0");
        JobQuery window = JobQuery.all().withRegion(Region.FRANKFURT).withHost("hooks.example.com")
                .acceptedFrom(NOW.minusSeconds(90)).acceptedBefore(NOW.minusSeconds(80));
        assertThat(store.list(window, Optional.empty(), 100).jobs()).extracting(doc -> doc.get("id").asText())
                .containsExactly("l19", "l18", "l17", "l16", "l15", "l14", "l13", "l12", "l11", "l10");
    }

    @Test
    void anIdIsClaimedOnceEvenWhenManyAskAtTheSameMoment() throws Exception {
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("id", "c1").put("region", "frankfurt");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ClaimOutcome>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String owner = "replica-" + i;
                answers.add(pool.submit((Callable<ClaimOutcome>) () -> store.claim("c1", "acme", "webhooks.region.frankfurt",
                        document, owner)));
            }
            List<ClaimOutcome.Kind> kinds = new ArrayList<>();
            for (Future<ClaimOutcome> answer : answers) {
                kinds.add(answer.get().kind());
            }
            assertThat(kinds).filteredOn(kind -> kind == ClaimOutcome.Kind.CLAIMED).hasSize(1);
            assertThat(kinds).filteredOn(kind -> kind == ClaimOutcome.Kind.IN_DOUBT).hasSize(15);
        } finally {
            pool.shutdownNow();
        }
        // The claimant's record reached Kafka and the sink stored it: the claim is settled as published.
        store.write(List.of(accepted(job("c1", "acme", Instant.now()), 40)), List.of());
        ClaimOutcome repeat = store.claim("c1", "acme", "webhooks.region.frankfurt", document, "replica-x");
        assertThat(repeat.kind()).isEqualTo(ClaimOutcome.Kind.REPEAT);
        assertThat(repeat.document().get("region").asText()).isEqualTo("frankfurt");
        assertThat(repeat.account()).isEqualTo("acme");
    }

    @Test
    void batchesOfClaimsFromReplicasAtOnceNeverDeadlockAndGiveEachIdOneClaim() throws Exception {
        // Four "replicas" claim overlapping sets of 200 ids, in different orders, at the same moment.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add("b" + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<ClaimOutcome>>> answers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                List<String> mine = new ArrayList<>(ids.subList(r * 33, r * 33 + 200));
                java.util.Collections.shuffle(mine, new java.util.Random(r));
                String owner = "replica-" + r;
                answers.add(pool.submit(() -> store.claimAll(mine.stream().map(id -> new JobStore.ClaimRequest(id, "acme",
                        "webhooks.region.frankfurt", JsonNodeFactory.instance.objectNode().put("id", id))).toList(), owner)));
            }
            java.util.Map<ClaimOutcome.Kind, Integer> kinds = new java.util.EnumMap<>(ClaimOutcome.Kind.class);
            int answered = 0;
            for (Future<List<ClaimOutcome>> answer : answers) {
                for (ClaimOutcome outcome : answer.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    kinds.merge(outcome.kind(), 1, Integer::sum);
                    answered++;
                }
            }
            assertThat(answered).isEqualTo(800);
            // Each of the 299 distinct ids claimed once; every other answer is "ask again".
            long distinct = java.util.stream.IntStream.range(0, 4).boxed()
                    .flatMap(r -> ids.subList(r * 33, r * 33 + 200).stream()).distinct().count();
            assertThat(kinds.get(ClaimOutcome.Kind.CLAIMED)).isEqualTo((int) distinct);
            assertThat(kinds.get(ClaimOutcome.Kind.IN_DOUBT)).isEqualTo(800 - (int) distinct);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimWhoseReplicaDiedAfterKafkaTookTheRecordIsARepeatOnceTheSinkHasIt() {
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("id", "c2");
        assertThat(store.claim("c2", "default", "webhooks.region.frankfurt", document, "dead").kind())
                .isEqualTo(ClaimOutcome.Kind.CLAIMED);
        // The replica died before confirming; the sink wrote the record.
        store.write(List.of(accepted(job("c2", null, Instant.now()), 30)), List.of());
        assertThat(store.claim("c2", "default", "webhooks.region.frankfurt", document, "other").kind())
                .isEqualTo(ClaimOutcome.Kind.REPEAT);
    }

    @Test
    void aClaimWhoseRecordNeverReachedKafkaIsRecoveredOnlyOnceTheSinkHasReadPastIt() throws Exception {
        JobStore quick = JobStore.open(JobStoreConfig.of(credentials.asProperties()).withClaimRecoveryAfter(Duration.ofSeconds(1)),
                Clock.systemUTC(), new SimpleMeterRegistry());
        try {
            ObjectNode document = JsonNodeFactory.instance.objectNode().put("id", "c3");
            String topic = "webhooks.region.frankfurt";
            assertThat(quick.claim("c3", "default", topic, document, "dead").kind()).isEqualTo(ClaimOutcome.Kind.CLAIMED);
            Thread.sleep(1_200);
            // Old enough, but the sink has not read past it: still in doubt (it may yet be read).
            assertThat(quick.claim("c3", "default", topic, document, "other").kind()).isEqualTo(ClaimOutcome.Kind.IN_DOUBT);
            quick.recordProgress(topic, List.of(0, 1), Instant.now().plusSeconds(5));
            assertThat(quick.claim("c3", "default", topic, document, "other").kind()).isEqualTo(ClaimOutcome.Kind.RECOVERED);
            // The recovering replica now holds it: a third asker is in doubt, not a second publisher.
            assertThat(quick.claim("c3", "default", topic, document, "third").kind()).isEqualTo(ClaimOutcome.Kind.IN_DOUBT);
        } finally {
            quick.close();
        }
    }

    @Test
    void retentionDropsWholeDayPartitionsAndTheRuntimeRoleCannotChangeTheSchema() throws Exception {
        store.write(List.of(accepted(job("old", null, NOW.minus(Duration.ofDays(6))), 1),
                accepted(job("today", null, NOW), 2)), List.of());
        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(2);
        JobStore shorter = JobStore.open(JobStoreConfig.of(credentials.asProperties())
                .withRetention(Duration.ofDays(2), Duration.ofHours(24)), Clock.systemUTC(), new SimpleMeterRegistry());
        try {
            JobStore.Upkeep done = shorter.upkeep();
            assertThat(done.daysAhead()).isGreaterThanOrEqualTo(3);
        } finally {
            shorter.close();
        }
        // Upkeep at open already dropped the old day: its rows went with their partition.
        assertThat(store.statusDocument("old", Optional.empty())).isEmpty();
        assertThat(store.statusDocument("today", Optional.empty())).isPresent();
        try (Connection c = DriverManager.getConnection(credentials.url(), credentials.user(), credentials.password());
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("DROP TABLE jobs")).hasMessageContaining("must be owner");
        }
    }

    @Test
    void aProcessClockDaysBehindTheServersNeitherFailsTheSinkNorLosesCurrentRows() throws Exception {
        // The server made and drops its day partitions by its own clock; this process's is two days
        // behind. A row of its "six days ago" has no partition on the server: it is left out (a
        // backfill of a day past the retention), the batch still lands, current rows are stored.
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofDays(-2));
        JobStore skewed = JobStore.open(JobStoreConfig.of(credentials.asProperties()), behind, new SimpleMeterRegistry());
        try {
            Instant itsNow = behind.instant();
            skewed.write(List.of(accepted(job("beyond", null, itsNow.minus(Duration.ofDays(6))), 1),
                    accepted(job("current", null, Instant.now()), 2)),
                    List.of(result(ResultEvent.finalOutcome("current", "frankfurt", JobState.DELIVERED, "primary", List.of(), null), 3,
                            Instant.now())));
        } finally {
            skewed.close();
        }
        assertThat(store.statusDocument("beyond", Optional.empty())).isEmpty();
        assertThat(store.statusDocument("current", Optional.empty())).get()
                .extracting(document -> document.get("state").asText()).isEqualTo("delivered");
    }

    private long count(String sql) {
        try (Connection c = DriverManager.getConnection(credentials.url(), credentials.user(), credentials.password());
                Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
