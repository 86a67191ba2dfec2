package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.embeddedkafka.TopicContents;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.scheduler.auth.RateLimit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys on a running scheduler (docs/operations.md, "Accounts and API keys"): 401, 403, 404
 * for another account's job, 429, and what stays open.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SchedulerApiKeysTest {

    /** One store for the class: a second scheduler started by a test reads what the first wrote. */
    private static final dev.edgedispatcher.store.JobStoreConfig STORE = TestStores.fresh();

    private static final RateLimit RATE = new RateLimit(0.5, 10);

    @TempDir
    static Path dir;
    private static SchedulerService scheduler;
    private static ApiClient api;
    private static String acme;
    private static String acmeForRates;
    private static ApiKeys keys;
    private static String globex;

    @BeforeAll
    static void start() throws Exception {
        Path accounts = dir.resolve("accounts.json");
        Files.writeString(accounts, """
                {"acme": {"auth_token": "MAacmeacmeacmeacme01"}, "globex": {"auth_token": "MAglobexglobexglob01"},
                 "default": {"auth_token": "MAdefaultdefaultdef1"}}""");
        acme = ApiKeys.create(accounts, "acme").key();
        acmeForRates = ApiKeys.create(accounts, "acme").key();
        globex = ApiKeys.create(accounts, "globex").key();
        scheduler = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(STORE).withPort(0).withKnownAccounts(Set.of("acme", "globex", "default"))
                .withAccess(new ApiAccess(ApiKeys.load(accounts), false, Optional.empty())));
        keys = ApiKeys.load(accounts);
        api = ApiClient.local(scheduler.port());
    }

    @AfterAll
    static void stop() {
        scheduler.close();
    }

    @Test
    void everyV1RequestWithoutAKeyIs401WithAChallengeAndAJsonError() throws Exception {
        for (ApiResponse response : List.of(send("POST", "/v1/jobs", job(id(), null), null),
                send("POST", "/v1/jobs:batch", "[" + job(id(), null) + "]", null),
                send("GET", "/v1/jobs/whatever", null, null),
                send("GET", "/v1/explain?url=https%3A%2F%2Fexample.com%2Fa", null, null),
                send("GET", "/v1/jobs/whatever", null, "Basic YWxhZGRpbjpvcGVuc2VzYW1l"))) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.raw().headers().firstValue("www-authenticate")).contains("Bearer realm=\"edge-dispatcher\"");
            assertThat(response.body().get("error").asText()).isEqualTo("unauthorized");
            assertThat(response.body().get("field").asText()).isEqualTo("authorization");
            assertThat(response.body().get("detail").asText()).contains("Authorization: Bearer");
        }
    }

    @Test
    void anUnknownOrAlteredKeyIs401AndPublishesNothing() throws Exception {
        String id = id();
        String altered = acme.substring(0, acme.length() - 2) + (acme.endsWith("AA") ? "BB" : "AA");
        for (String key : List.of(altered, "ed_0123456789abcdef_" + "x".repeat(43), "nonsense")) {
            ApiResponse response = send("POST", "/v1/jobs", job(id, null), key);
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.raw().headers().firstValue("www-authenticate"))
                    .contains("Bearer realm=\"edge-dispatcher\", error=\"invalid_token\"");
            assertThat(response.body().get("error").asText()).isEqualTo("unauthorized");
        }
        assertThat(onFrankfurt(id)).isEmpty();
    }

    @Test
    void healthAndMetricsNeedNoKey() throws Exception {
        assertThat(send("GET", "/health", null, null).status()).isEqualTo(200);
        assertThat(send("GET", "/health/live", null, null).status()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null, null).status()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null, null).raw().statusCode()).isEqualTo(200);
    }

    @Test
    void aJobWithoutAccountBelongsToTheKeysAccountAndOnlyThatAccountCanReadIt() throws Exception {
        String id = id();
        ApiResponse accepted = send("POST", "/v1/jobs", job(id, null), acme);
        assertThat(accepted.status()).isEqualTo(202);
        List<ConsumerRecord<String, byte[]>> published = onFrankfurt(id);
        assertThat(published).hasSize(1);
        assertThat(TestJson.read(published.get(0).value()).get("account").asText()).isEqualTo("acme");

        ApiResponse mine = send("GET", "/v1/jobs/" + id, null, acme);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body().get("id").asText()).isEqualTo(id);

        ApiResponse theirs = send("GET", "/v1/jobs/" + id, null, globex);
        ApiResponse unknown = send("GET", "/v1/jobs/never-" + id, null, globex);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.body().get("error").asText()).isEqualTo("not_found");
        assertThat(theirs.body().get("detail").asText())
                .isEqualTo(unknown.body().get("detail").asText().replace("never-" + id, id));
    }

    @Test
    void aJobNamingAnotherAccountIs403AndItsOwnAccountIsFine() throws Exception {
        String id = id();
        ApiResponse forbidden = send("POST", "/v1/jobs", job(id, "globex"), acme);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body().get("error").asText()).isEqualTo("forbidden");
        assertThat(forbidden.body().get("field").asText()).isEqualTo("account");
        assertThat(forbidden.body().get("detail").asText()).contains("'acme'").contains("'globex'");
        assertThat(onFrankfurt(id)).isEmpty();

        assertThat(send("POST", "/v1/jobs", job(id, "acme"), acme).status()).isEqualTo(202);
        assertThat(onFrankfurt(id)).hasSize(1);
    }

    @Test
    void anIdHeldByAnotherAccountIs409AndRevealsNothingOfThatJob() throws Exception {
        String id = id();
        assertThat(send("POST", "/v1/jobs", job(id, null), acme).status()).isEqualTo(202);
        ApiResponse taken = send("POST", "/v1/jobs", job(id, null), globex);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.body().get("field").asText()).isEqualTo("id");
        assertThat(taken.body().has("region")).isFalse();
        assertThat(onFrankfurt(id)).hasSize(1);
        // the owner's repeat is the usual idempotent duplicate
        ApiResponse again = send("POST", "/v1/jobs", job(id, null), acme);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void twoAccountsRacingForOneIdGetOneAcceptAndOneConflict() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = id();
            java.util.concurrent.CompletableFuture<ApiResponse> first = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> sendUnchecked("POST", "/v1/jobs", job(id, null), acme));
            java.util.concurrent.CompletableFuture<ApiResponse> second = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> sendUnchecked("POST", "/v1/jobs", job(id, null), globex));
            List<Integer> statuses = new java.util.ArrayList<>(List.of(first.get().status(), second.get().status()));
            java.util.Collections.sort(statuses);
            assertThat(statuses).as("round %d", round).containsExactly(202, 409);
            ApiResponse conflict = first.get().status() == 409 ? first.get() : second.get();
            assertThat(conflict.body().has("region")).isFalse();
            assertThat(onFrankfurt(id)).hasSize(1);
        }
    }

    private static ApiResponse sendUnchecked(String method, String path, String body, String key) {
        try {
            return send(method, path, body, key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchRefusesOnlyItsJobsForOtherAccounts() throws Exception {
        String ok = id();
        String other = id();
        String alsoOk = id();
        String globexs = id();
        assertThat(send("POST", "/v1/jobs", job(globexs, null), globex).status()).isEqualTo(202);
        ApiResponse response = send("POST", "/v1/jobs:batch", "[" + job(ok, null) + "," + job(other, "globex") + ","
                + job(alsoOk, "acme") + "," + job(globexs, null) + "]", acme);
        assertThat(response.status()).isEqualTo(200);
        JsonNode results = response.body().get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(3).get("status").asInt()).isEqualTo(409);
        assertThat(results.get(3).get("field").asText()).isEqualTo("id");
        assertThat(results.get(3).has("region")).isFalse();
        assertThat(onFrankfurt(globexs)).hasSize(1);
        assertThat(results.get(0).get("id").asText()).isEqualTo(ok);
        assertThat(results.get(1).get("index").asInt()).isEqualTo(1);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(403);
        assertThat(results.get(1).get("error").asText()).isEqualTo("forbidden");
        assertThat(results.get(1).get("field").asText()).isEqualTo("account");
        assertThat(results.get(2).get("id").asText()).isEqualTo(alsoOk);
        assertThat(onFrankfurt(ok)).hasSize(1);
        assertThat(onFrankfurt(other)).isEmpty();
        assertThat(TestJson.read(onFrankfurt(alsoOk).get(0).value()).get("account").asText()).isEqualTo("acme");
    }

    @Test
    void explainWorksWithAKey() throws Exception {
        ApiResponse response = send("GET", "/v1/explain?url=https%3A%2F%2Fexample.com%2Fa%23rc%3D2", null, globex);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().at("/policy/rc").asInt()).isEqualTo(2);
    }

    @Test
    void aKeyPastItsRateGets429WithRetryAfterAndOtherKeysDoNot() throws Exception {
        try (SchedulerService limited = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(STORE).withPort(0).withKnownAccounts(Set.of("acme", "globex", "default"))
                .withAccess(new ApiAccess(keys, false, Optional.of(RATE))))) {
            ApiClient unlimited = api;
            api = ApiClient.local(limited.port());
            try {
                rateLimited();
            } finally {
                api = unlimited;
            }
        }
    }

    private void rateLimited() throws Exception {
        // Burst 10 at 0.5/s: a batch of 4 and 6 single requests pass, the next is refused.
        String batch = "[" + job(id(), null) + "," + job(id(), null) + "," + job(id(), null) + "," + job(id(), null) + "]";
        assertThat(send("POST", "/v1/jobs:batch", batch, acmeForRates).status()).isEqualTo(200);
        for (int i = 0; i < 6; i++) {
            assertThat(send("GET", "/v1/jobs/x", null, acmeForRates).status()).as("request %d", i).isEqualTo(404);
        }
        String id = id();
        ApiResponse limited = send("POST", "/v1/jobs", job(id, null), acmeForRates);
        assertThat(limited.status()).isEqualTo(429);
        long retryAfter = Long.parseLong(limited.raw().headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(limited.body().get("error").asText()).isEqualTo("rate_limited");
        assertThat(onFrankfurt(id)).isEmpty();
        // the same account's other key has a bucket of its own
        assertThat(send("GET", "/v1/jobs/x", null, acme).status()).isEqualTo(404);
        // a batch bigger than what is left is refused as a whole
        assertThat(send("POST", "/v1/jobs:batch", batch, acmeForRates).status()).isEqualTo(429);
    }

    @Test
    void aRedriveCostsATokenPerMatchAndMoreThanABucketIs429NamingLimitBeforeSendingAnything() throws Exception {
        String host = "rl-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ApiResponse accepted = send("POST", "/v1/jobs", "{\"url\": \"https://" + host + "/" + i + "#er=frankfurt\"}", acme);
            assertThat(accepted.status()).isEqualTo(202);
            ids.add(accepted.body().get("id").asText());
        }
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer =
                new org.apache.kafka.clients.producer.KafkaProducer<>(dev.edgedispatcher.backbone.KafkaClientSettings.producer(
                        dev.edgedispatcher.backbone.KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()),
                        "keys-test"))) {
            for (String id : ids) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RESULTS, id,
                        dev.edgedispatcher.backbone.RecordJson.write(dev.edgedispatcher.backbone.ResultEvent.finalOutcome(id,
                                "frankfurt", JobState.FAILED, null, List.of("5xx"), "HTTP 500")))).get();
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                send("GET", "/v1/jobs?state=failed&host=" + host, null, acme).body().get("jobs").size() == 12);
        // A fresh scheduler (fresh buckets) that has read them all at start: burst 10 at 0.5/s.
        try (SchedulerService limited = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(STORE).withPort(0).withKnownAccounts(Set.of("acme", "globex", "default"))
                .withAccess(new ApiAccess(keys, false, Optional.of(RATE))))) {
            ApiClient unlimited = api;
            api = ApiClient.local(limited.port());
            try {
                String filter = "{\"state\": \"failed\", \"host\": \"" + host + "\"";
                // Its 12 matches cost 12 tokens, more than a whole bucket (burst 10): 429 naming limit,
                // nothing sent (it used to cost at most one burst, so any redrive cost no more than 10).
                ApiResponse tooMany = send("POST", "/v1/jobs:redrive", filter + "}", acmeForRates);
                assertThat(tooMany.status()).as(String.valueOf(tooMany.body())).isEqualTo(429);
                assertThat(tooMany.body().get("error").asText()).isEqualTo("rate_limited");
                assertThat(tooMany.body().get("field").asText()).isEqualTo("limit");
                assertThat(tooMany.body().get("detail").asText()).contains("matches 12 jobs").contains("bursts of 10");
                // 1 (request) + 1 (request) + 8 matches of 10 tokens: 0 left.
                ApiResponse eight = send("POST", "/v1/jobs:redrive", filter + ", \"limit\": 8}", acmeForRates);
                assertThat(eight.status()).as(String.valueOf(eight.body())).isEqualTo(200);
                assertThat(eight.body().get("accepted").asInt()).isEqualTo(8);
                // The bucket is empty: a request is refused at the door, with Retry-After.
                ApiResponse refused = send("POST", "/v1/jobs:redrive", filter + ", \"limit\": 1}", acmeForRates);
                assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(429);
                assertThat(refused.raw().headers().firstValue("retry-after")).isPresent();
                // 4 s later (0.5/s) 2 tokens: a dry run (its request) sends nothing and costs 1; the 8
                // sent again no longer match (their retries stand for them).
                Thread.sleep(4100);
                ApiResponse dry = send("POST", "/v1/jobs:redrive", filter + ", \"dry_run\": true}", acmeForRates);
                assertThat(dry.status()).as(String.valueOf(dry.body())).isEqualTo(200);
                assertThat(dry.body().get("matched").asInt()).isEqualTo(4);
            } finally {
                api = unlimited;
            }
        }
        long retries = TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.FRANKFURT))
                .stream().filter(record -> new String(record.value(), StandardCharsets.UTF_8).contains("\"retry_of\":\"")
                        && new String(record.value(), StandardCharsets.UTF_8).contains(host)).count();
        assertThat(retries).isEqualTo(8);
    }

    @Test
    void requireApiKeyWithoutAnyKeyLocksV1() throws Exception {
        try (SchedulerService locked = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(STORE).withPort(0).withAccess(new ApiAccess(ApiKeys.none(), true, Optional.empty())))) {
            ApiClient lockedApi = ApiClient.local(locked.port());
            ApiResponse response = lockedApi.post("/v1/jobs", job(id(), null));
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("www-authenticate")).isPresent();
            assertThat(lockedApi.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void regionCountsAreTheKeysAccountsOnly() throws Exception {
        assertThat(send("GET", "/v1/regions", null, null).status()).isEqualTo(401);
        java.util.List<String> acmeIds = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = id();
            acmeIds.add(id);
            assertThat(send("POST", "/v1/jobs", job(id, null), acme).status()).isEqualTo(202);
        }
        String globexId = id();
        assertThat(send("POST", "/v1/jobs", job(globexId, null), globex).status()).isEqualTo(202);
        // The counts come from the store (as the sink fills it, cached for 2 s): they end up equal to
        // the key's own queued jobs in the region, never another account's.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() -> {
            java.util.List<String> acmeQueued = queuedIds(acme);
            java.util.List<String> globexQueued = queuedIds(globex);
            assertThat(acmeQueued).containsAll(acmeIds).doesNotContain(globexId);
            assertThat(globexQueued).contains(globexId).doesNotContainAnyElementsOf(acmeIds);
            assertThat(queuedInFrankfurt(acme)).isEqualTo(acmeQueued.size());
            assertThat(queuedInFrankfurt(globex)).isEqualTo(globexQueued.size());
        });
    }

    private static java.util.List<String> queuedIds(String key) throws Exception {
        ApiResponse listed = send("GET", "/v1/jobs?state=queued&region=frankfurt&limit=1000", null, key);
        assertThat(listed.status()).isEqualTo(200);
        java.util.List<String> ids = new java.util.ArrayList<>();
        listed.body().get("jobs").forEach(job -> ids.add(job.get("id").asText()));
        return ids;
    }

    private static long queuedInFrankfurt(String key) throws Exception {
        ApiResponse regions = send("GET", "/v1/regions", null, key);
        assertThat(regions.status()).isEqualTo(200);
        for (JsonNode region : regions.body().get("regions")) {
            if (region.get("region").asText().equals("frankfurt")) {
                return region.at("/jobs/queued").asLong();
            }
        }
        throw new AssertionError("no frankfurt in " + regions.body());
    }

    private static String job(String id, String account) {
        return "{\"id\": \"" + id + "\", \"url\": \"https://example.com/cb#er=frankfurt\""
                + (account == null ? "" : ", \"account\": \"" + account + "\"") + "}";
    }

    private static String id() {
        return "k-" + UUID.randomUUID();
    }

    private static List<ConsumerRecord<String, byte[]>> onFrankfurt(String id) {
        return TopicContents.readAll(EmbeddedKafkaExtension.bootstrapServers(), Topics.region(Region.FRANKFURT)).stream()
                .filter(record -> record.key().equals(id)).toList();
    }

    /** With {@code key} (an API key, or a whole "Basic ..." credential) as the authorization, when not null. */
    private static ApiResponse send(String method, String path, String body, String key) throws Exception {
        return key == null ? api.send(method, path, body)
                : api.send(method, path, body, "authorization", key.startsWith("Basic ") ? key : "Bearer " + key);
    }
}
