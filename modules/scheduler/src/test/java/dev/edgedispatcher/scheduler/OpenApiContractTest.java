package dev.edgedispatcher.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.embeddedkafka.EmbeddedKafkaExtension;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.scheduler.auth.RateLimit;
import dev.edgedispatcher.scheduler.http.OpenApiHandler;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served {@code /openapi.json} is a valid OpenAPI 3.1 document (vertx-openapi checks it against
 * the 3.1 meta-schema), and the running scheduler's answers, success and error, match it: every
 * status code is declared and every body has its schema's required fields and types.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OpenApiContractTest {

    @TempDir
    static Path dir;
    private static SchedulerService open;
    private static SchedulerService keyed;
    private static Vertx vertx;
    private static OpenAPIContract contract;
    private static ResponseValidator validator;
    private static String acme;
    private static String globex;
    private static String limited;
    /** An acme key of its own for the paging and redrive tests: its bucket is not the one the other tests spend. */
    private static String acmeOps;
    private static final Set<String> checked = Collections.synchronizedSet(new TreeSet<>());

    @BeforeAll
    static void start() throws Exception {
        open = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(TestStores.fresh()).withPort(0));
        Path accounts = dir.resolve("accounts.json");
        Files.writeString(accounts, """
                {"acme": {"auth_token": "MAacmeacmeacmeacme01"}, "globex": {"auth_token": "MAglobexglobexglob01"}}""");
        acme = ApiKeys.create(accounts, "acme").key();
        globex = ApiKeys.create(accounts, "globex").key();
        limited = ApiKeys.create(accounts, "acme").key();
        acmeOps = ApiKeys.create(accounts, "acme").key();
        keyed = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(TestStores.fresh()).withPort(0).withKnownAccounts(Set.of("acme", "globex", "default"))
                .withAccess(new ApiAccess(ApiKeys.load(accounts), false, Optional.of(new RateLimit(0.1, 200)))));
        vertx = Vertx.vertx();
        ApiResponse served = ApiClient.local(open.port()).get("/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.text()).isEqualTo(new String(OpenApiHandler.document(), StandardCharsets.UTF_8));
        // swagger-parser reads the exact served document and lists what is wrong with it.
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.text(), null, new ParseOptions());
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/v1/jobs", "/v1/jobs:batch", "/v1/jobs/{id}",
                "/v1/jobs/{id}:retry", "/v1/jobs:redrive", "/v1/explain", "/v1/regions");
        // vertx-openapi checks it against the 3.1 meta-schema, and fails when it is not valid. It refuses a
        // template that is not a whole path segment ({id}:retry, valid OpenAPI): that one path key is
        // renamed for it; responses are looked up by operationId, which does not change.
        JsonObject forVertx = new JsonObject(served.text());
        JsonObject paths = forVertx.getJsonObject("paths");
        paths.put("/v1/jobs/{id}/retry", paths.remove("/v1/jobs/{id}:retry"));
        contract = OpenAPIContract.from(vertx, forVertx).await(30, TimeUnit.SECONDS);
        validator = ResponseValidator.create(vertx, contract);
    }

    @AfterAll
    static void stop() throws Exception {
        keyed.close();
        open.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** {@code method path} on {@code scheduler}, with {@code key} as its API key when not null. */
    private static ApiResponse call(SchedulerService scheduler, String method, String path, String body, String key)
            throws Exception {
        ApiClient api = ApiClient.local(scheduler.port());
        return (key == null ? api : api.withBearer(key)).send(method, path, body);
    }

    /** Validates the answer against the operation; returns its body. */
    private static JsonNode check(String operationId, int expectedStatus, ApiResponse response) throws Exception {
        assertThat(response.status()).as(operationId + ": " + response.text()).isEqualTo(expectedStatus);
        Map<String, String> headers = new HashMap<>();
        response.raw().headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        String contentType = response.header("content-type").orElse(null);
        validator.validate(ValidatableResponse.create(response.status(), headers, Buffer.buffer(response.text()),
                contentType), operationId).await(10, TimeUnit.SECONDS);
        checked.add(operationId + " " + response.status());
        return response.json();
    }

    /**
     * A GET sent as raw bytes (java.net.URI refuses a malformed escape such as %ZZ), validated like
     * {@link #check}; returns its body.
     */
    private static JsonNode rawGet(SchedulerService scheduler, String path, String operationId, int expectedStatus)
            throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", scheduler.port())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            String[] head = answer.substring(0, split).split("\r\n");
            int status = Integer.parseInt(head[0].split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            String body = answer.substring(split + 4);
            assertThat(status).as(operationId + ": " + body).isEqualTo(expectedStatus);
            validator.validate(ValidatableResponse.create(status, headers, Buffer.buffer(body), headers.get("content-type")),
                    operationId).await(10, TimeUnit.SECONDS);
            checked.add(operationId + " " + status);
            return TestJson.read(body);
        }
    }

    @Test
    void everyEndpointAnswersAsTheDocumentSays() throws Exception {
        String host = "c-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        // submitJob
        JsonNode accepted = check("submitJob", 202, call(open, "POST", "/v1/jobs",
                "{\"url\": \"https://" + host + "/a#er=frankfurt\"}", null));
        String id = accepted.get("id").asText();
        check("submitJob", 202, call(open, "POST", "/v1/jobs", "{\"id\": \"" + id + "\", \"url\": \"https://" + host
                + "/a#er=frankfurt\"}", null));
        check("submitJob", 400, call(open, "POST", "/v1/jobs", "{\"url\": \"https://x.example/#ct=1\"}", null));
        check("submitJob", 413, call(open, "POST", "/v1/jobs", "{\"url\": \"https://x.example/\", \"body\": \""
                + "x".repeat(SchedulerConfig.DEFAULT_MAX_JOB_BYTES) + "\"}", null));
        check("submitJob", 401, call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://x.example/\"}", null));
        check("submitJob", 403, call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://x.example/\", \"account\": \"globex\"}",
                acme));
        String taken = "taken-" + UUID.randomUUID();
        check("submitJob", 202, call(keyed, "POST", "/v1/jobs", "{\"id\": \"" + taken + "\", \"url\": \"https://x.example/\"}",
                globex));
        check("submitJob", 409, call(keyed, "POST", "/v1/jobs", "{\"id\": \"" + taken + "\", \"url\": \"https://x.example/\"}",
                acme));
        // submitBatch
        check("submitBatch", 200, call(open, "POST", "/v1/jobs:batch", "[{\"url\": \"https://" + host
                + "/b#er=mumbai\"}, {\"url\": \"https://" + host + "/b#rc=9\"}]", null));
        check("submitBatch", 400, call(open, "POST", "/v1/jobs:batch", "{}", null));
        check("submitBatch", 413, call(open, "POST", "/v1/jobs:batch",
                "[" + String.join(",", Collections.nCopies(1001, "{\"url\": \"https://x.example/\"}")) + "]", null));
        // getJob
        check("getJob", 200, call(open, "GET", "/v1/jobs/" + id, null, null));
        check("getJob", 404, call(open, "GET", "/v1/jobs/nope-" + UUID.randomUUID(), null, null));
        // retryJob: not final, final, unknown
        check("retryJob", 409, call(open, "POST", "/v1/jobs/" + id + ":retry", null, null));
        fail(id);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                call(open, "GET", "/v1/jobs/" + id, null, null).json().get("state").asText().equals("failed"));
        check("getJob", 200, call(open, "GET", "/v1/jobs/" + id, null, null));
        check("retryJob", 202, call(open, "POST", "/v1/jobs/" + id + ":retry", null, null));
        check("retryJob", 404, call(open, "POST", "/v1/jobs/nope-" + UUID.randomUUID() + ":retry", null, null));
        // listJobs
        JsonNode page = check("listJobs", 200, call(open, "GET", "/v1/jobs?host=" + host + "&limit=1", null, null));
        assertThat(page.get("next_cursor").isTextual()).isTrue();
        check("listJobs", 200, call(open, "GET", "/v1/jobs?state=failed&host=" + host, null, null));
        check("listJobs", 400, call(open, "GET", "/v1/jobs?state=lost", null, null));
        // A query string that does not decode: the JSON error document, not Vert.x's plain text.
        JsonNode undecodable = rawGet(open, "/v1/jobs?host=%ZZ", "listJobs", 400);
        assertThat(undecodable.get("error").asText()).isEqualTo("bad_request");
        check("listJobs", 403, call(keyed, "GET", "/v1/jobs?account=globex", null, acme));
        // redriveJobs: the job retried above is not matched again (its retry stands for it); a second failed one is.
        String second = check("submitJob", 202, call(open, "POST", "/v1/jobs",
                "{\"url\": \"https://" + host + "/second#er=frankfurt\"}", null)).get("id").asText();
        fail(second);
        await().atMost(Duration.ofSeconds(60)).until(() -> call(open, "GET", "/v1/jobs/" + second, null, null)
                .json().get("state").asText().equals("failed"));
        check("redriveJobs", 200, call(open, "POST", "/v1/jobs:redrive", "{\"state\": \"failed\", \"host\": \"" + host
                + "\", \"dry_run\": true}", null));
        JsonNode redriven = check("redriveJobs", 200, call(open, "POST", "/v1/jobs:redrive", "{\"state\": \"failed\","
                + " \"host\": \"" + host + "\"}", null));
        assertThat(redriven.get("accepted").asInt()).isEqualTo(1);
        check("redriveJobs", 400, call(open, "POST", "/v1/jobs:redrive", "{\"state\": \"queued\"}", null));
        check("redriveJobs", 403, call(keyed, "POST", "/v1/jobs:redrive", "{\"state\": \"failed\", \"account\": \"globex\"}",
                acme));
        // explain
        check("explain", 200, call(open, "GET", "/v1/explain?url=" + URLEncoder.encode("https://x.example/#er=mumbai",
                StandardCharsets.UTF_8), null, null));
        check("explain", 400, call(open, "GET", "/v1/explain?url=" + URLEncoder.encode("https://x.example/#tt=1",
                StandardCharsets.UTF_8), null, null));
        check("explain", 401, call(keyed, "GET", "/v1/explain?url=x", null, "ed_not_a_key"));
        // listRegions
        check("listRegions", 200, call(open, "GET", "/v1/regions", null, null));
        check("listRegions", 200, call(keyed, "GET", "/v1/regions", null, globex));
        check("listRegions", 401, call(keyed, "GET", "/v1/regions", null, null));
        // 429 on a key with a tiny rate: its burst (200) spent by one batch, then one more request.
        ApiResponse burst = call(keyed, "POST", "/v1/jobs:batch",
                "[" + String.join(",", Collections.nCopies(200, "{\"url\": \"https://x.example/#rc=9\"}")) + "]", limited);
        check("submitBatch", 200, burst);
        check("listJobs", 429, call(keyed, "GET", "/v1/jobs", null, limited));

        // Every operation of the document was answered with success at least once.
        for (Operation operation : contract.operations()) {
            assertThat(checked).as("operations checked").anyMatch(entry -> entry.startsWith(operation.getOperationId() + " 2"));
        }
    }

    @Test
    void withKeysAListingShowsOnlyTheCallersAccount() throws Exception {
        String host = "k-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://" + host + "/a\"}", acme);
        call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://" + host + "/g\"}", globex);
        // Listings read the job store, which the sink fills within a second.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(call(open, "GET",
                "/v1/jobs?host=" + host, null, null).json().get("jobs")).hasSize(2));
        // The keyed scheduler's own listing reads the store as its sink fills it (up to 200 ms a batch).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(call(keyed, "GET", "/v1/jobs?host=" + host,
                null, acme).json().get("jobs")).hasSize(1));
        JsonNode mine = check("listJobs", 200, call(keyed, "GET", "/v1/jobs?host=" + host, null, acme));
        assertThat(mine.get("jobs")).hasSize(1);
        assertThat(mine.at("/jobs/0/account").asText()).isEqualTo("acme");
        // The open scheduler learns of jobs the keyed one accepted from Kafka: not at once.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(call(open, "GET", "/v1/jobs?host=" + host, null, null).json().get("jobs")).hasSize(2));
        JsonNode all = check("listJobs", 200, call(open, "GET", "/v1/jobs?host=" + host, null, null));
        String theirs = all.findValues("id").stream().map(JsonNode::asText)
                .filter(id -> !id.equals(mine.at("/jobs/0/id").asText())).findFirst().orElseThrow();
        // Another account's job is unknown to this key, for a retry as for a read.
        check("retryJob", 404, call(keyed, "POST", "/v1/jobs/" + theirs + ":retry", null, acme));
        check("getJob", 404, call(keyed, "GET", "/v1/jobs/" + theirs, null, acme));
    }

    @Test
    void withKeysPagingNeverShowsAnotherAccountsJob() throws Exception {
        String host = "p-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        Set<String> acmes = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            acmes.add(check("submitJob", 202, call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://" + host + "/a" + i
                    + "\"}", acmeOps)).get("id").asText());
            check("submitJob", 202, call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://" + host + "/g" + i + "\"}", globex));
        }
        // Listings read the job store, which the sink fills within a second.
        await().atMost(Duration.ofSeconds(30)).until(() -> call(keyed, "GET", "/v1/jobs?host=" + host
                + "&limit=10", null, acmeOps).json().get("jobs").size() == 3);
        // Page by page, one job a page, through the host's six jobs: only acme's three.
        Set<String> seen = new TreeSet<>();
        String cursor = null;
        do {
            JsonNode page = check("listJobs", 200, call(keyed, "GET", "/v1/jobs?host=" + host + "&limit=1"
                    + (cursor == null ? "" : "&cursor=" + cursor), null, acmeOps));
            for (JsonNode job : page.get("jobs")) {
                assertThat(job.get("account").asText()).isEqualTo("acme");
                seen.add(job.get("id").asText());
            }
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(seen).isEqualTo(acmes);
        // And unfiltered, over everything the index holds.
        JsonNode everything = check("listJobs", 200, call(keyed, "GET", "/v1/jobs?limit=1000", null, acmeOps));
        assertThat(everything.get("jobs")).isNotEmpty().allSatisfy(job -> assertThat(job.get("account").asText())
                .isEqualTo("acme"));
    }

    @Test
    void withKeysARedriveOfFailedJobsLeavesAnotherAccountsAlone() throws Exception {
        String host = "r-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        String mine = check("submitJob", 202, call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://" + host
                + "/a#er=frankfurt\"}", acmeOps)).get("id").asText();
        String theirs = check("submitJob", 202, call(keyed, "POST", "/v1/jobs", "{\"url\": \"https://" + host
                + "/g#er=frankfurt\"}", globex)).get("id").asText();
        fail(mine);
        fail(theirs);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                call(keyed, "GET", "/v1/jobs/" + mine, null, acmeOps).json().get("state").asText().equals("failed")
                && call(keyed, "GET", "/v1/jobs/" + theirs, null, globex).json().get("state").asText()
                        .equals("failed"));

        JsonNode redriven = check("redriveJobs", 200, call(keyed, "POST", "/v1/jobs:redrive", "{\"state\": \"failed\"}",
                acmeOps));
        assertThat(redriven.get("accepted").asInt()).isPositive();
        // Seen from the open scheduler (all accounts): a repeat of acme's job, none of globex's.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(call(open, "GET",
                "/v1/jobs?host=" + host, null, null).json().findValuesAsText("retry_of")).contains(mine));
        JsonNode all = call(open, "GET", "/v1/jobs?host=" + host, null, null).json();
        assertThat(all.findValuesAsText("retry_of")).doesNotContain(theirs);
        assertThat(all.get("jobs")).hasSize(3);
        assertThat(call(keyed, "GET", "/v1/jobs/" + theirs, null, globex).json().get("state").asText())
                .isEqualTo("failed");
    }

    @Test
    void withTheStoreGoneReadsAndIdsAnswer503AsTheDocumentSays() throws Exception {
        dev.edgedispatcher.embeddedpostgres.StoreCredentials credentials =
                dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresExtension.newDatabase();
        try (SchedulerService storeless = SchedulerService.start(SchedulerConfig.defaults(EmbeddedKafkaExtension.bootstrapServers(),
                SchedulerApiTest.resolver()).withJobStore(dev.edgedispatcher.store.JobStoreConfig.of(credentials.asProperties()))
                .withPort(0))) {
            dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresExtension.dropDatabase(credentials);
            String url = "{\"url\": \"https://gone.example.com/a#er=frankfurt\"}";
            // Without an id the store is not asked: accepted.
            check("submitJob", 202, call(storeless, "POST", "/v1/jobs", url, null));
            JsonNode unchecked = check("submitJob", 503, call(storeless, "POST", "/v1/jobs",
                    "{\"id\": \"gone-1\", \"url\": \"https://gone.example.com/a\"}", null));
            assertThat(unchecked.get("error").asText()).isEqualTo("store_unavailable");
            for (String[] read : new String[][] {{"getJob", "GET", "/v1/jobs/gone-1", null}, {"listJobs", "GET", "/v1/jobs", null},
                    {"retryJob", "POST", "/v1/jobs/gone-1:retry", null}, {"listRegions", "GET", "/v1/regions", null},
                    {"redriveJobs", "POST", "/v1/jobs:redrive", "{\"state\": \"failed\"}"}}) {
                ApiResponse answer = call(storeless, read[1], read[2], read[3], null);
                assertThat(check(read[0], 503, answer).get("error").asText()).as(read[0]).isEqualTo("store_unavailable");
                assertThat(answer.header("retry-after")).as(read[0]).isPresent();
            }
        }
    }

    @Test
    void anUndeclaredStatusOrAMissingRequiredFieldFailsTheCheck() {
        // The validator must be able to fail: a status the document does not declare, a body without a required field.
        assertThatThrownBy(() -> validator.validate(ValidatableResponse.create(418, Map.of(), Buffer.buffer("{}"),
                "application/json"), "getJob").await(10, TimeUnit.SECONDS)).isNotNull();
        assertThatThrownBy(() -> validator.validate(ValidatableResponse.create(200, Map.of(),
                Buffer.buffer("{\"jobs\": []}"), "application/json"), "listJobs").await(10, TimeUnit.SECONDS)).isNotNull();
    }

    private static void fail(String id) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientSettings.producer(
                KafkaConnection.plaintext(EmbeddedKafkaExtension.bootstrapServers()), "contract-test"))) {
            for (ResultEvent event : List.of(ResultEvent.started(id, "frankfurt"),
                    ResultEvent.attempt(id, "frankfurt", "https://x/", "primary", 1, "5xx", 502, "HTTP 502",
                            "2026-12-01T01:00:00Z", 7),
                    ResultEvent.finalOutcome(id, "frankfurt", JobState.FAILED, null, List.of("5xx"), "HTTP 502"))) {
                producer.send(new ProducerRecord<>(Topics.RESULTS, id, RecordJson.write(event))).get();
            }
        }
    }
}
