package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.worker.sign.Accounts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The status page in a real browser (Debian's headless Chromium) against a running system: the
 * embedded broker, the scheduler with API keys on, a worker per region and a receiver that fails
 * some jobs. Checks what a user sees once the page's scripts ran: the page asks for a key, then
 * shows region rows with counts, the failures with their reasons one page at a time, and a job's
 * attempt timeline after a click. Screenshots of each test land in {@code target/status-page/}.
 */
class StatusPageBrowserTest {

    private static final Duration UI = Duration.ofSeconds(20);
    private static final int DELIVERED = 12;
    private static final int FAILED = 25;
    private static final Path SHOTS = Path.of("target", "status-page");

    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static HttpServer receiver;
    private static BrowserSession browser;
    private static String base;
    private static String key;
    /** The stack's API with the key. */
    private static ApiClient api;
    private static final List<String> deliveredIds = new ArrayList<>();
    private static final List<String> failedIds = new ArrayList<>();
    /** Markup in a failure's reason and attempt URL: the page must show it as text. */
    private static final String MARKUP = "<img src=x onerror=\"window.__xss=1\">";
    private static String markupId;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean fail = exchange.getRequestURI().getPath().startsWith("/fail");
            byte[] body = (fail ? "down for maintenance" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.start();

        Path accounts = dir.resolve("accounts.json");
        Files.writeString(accounts, "{\"acme\": {\"auth_token\": \"MAacmeacmeacmeacme01\"}}");
        key = ApiKeys.create(accounts, "acme").key();
        ApiAccess access = new ApiAccess(ApiKeys.load(accounts), false, Optional.empty());
        Accounts signing = Accounts.load(accounts, "browser-test-default");
        stack = TestStacks.withWorkers(dir.resolve("data"), signing, scheduler -> scheduler.withAccess(access));
        api = TestStacks.api(stack).withBearer(key);
        base = api.base();

        String target = "http://127.0.0.1:" + receiver.getAddress().getPort();
        // The oldest failure (so on the second page), whose reason and first attempt's URL are markup:
        // its result events are written first, so they are the ones the status keeps.
        markupId = "xss-" + java.util.UUID.randomUUID();
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer =
                new org.apache.kafka.clients.producer.KafkaProducer<>(dev.edgedispatcher.backbone.KafkaClientSettings.producer(
                        dev.edgedispatcher.backbone.KafkaConnection.plaintext(stack.bootstrapServers()), "browser-test"))) {
            for (dev.edgedispatcher.backbone.ResultEvent event : List.of(
                    dev.edgedispatcher.backbone.ResultEvent.attempt(markupId, "n_california", "https://x.example/" + MARKUP,
                            "primary", 1, "5xx", 503, MARKUP, "2026-12-01T01:00:00Z", 5),
                    dev.edgedispatcher.backbone.ResultEvent.finalOutcome(markupId, "n_california", JobState.FAILED, null,
                            List.of("5xx"), MARKUP))) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(dev.edgedispatcher.backbone.Topics.RESULTS,
                        markupId, dev.edgedispatcher.backbone.RecordJson.write(event))).get();
            }
        }
        ApiResponse markupJob = api.post("/v1/jobs", "{\"id\": \"" + markupId
                + "\", \"url\": \"" + target + "/fail?n=markup#rc=1&rp=5xx&er=n_california\"}");
        assertThat(markupJob.status()).as(markupJob.text()).isEqualTo(202);
        for (int i = 0; i < DELIVERED; i++) {
            deliveredIds.add(submit(target + "/ok?n=" + i + "#er=frankfurt"));
        }
        for (int i = 0; i < FAILED; i++) {
            failedIds.add(submit(target + "/fail?n=" + i + "#rc=1&rp=5xx&er=mumbai"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> all = new ArrayList<>(deliveredIds);
        all.addAll(failedIds);
        all.add(markupId);
        for (String id : all) {
            while (!isFinal(status(id))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("job " + id + " not final after 60 s: " + status(id));
                }
                Thread.sleep(100);
            }
        }
        Files.createDirectories(SHOTS);
        browser = new BrowserSession(dir.resolve("chromium-profile"), SHOTS.resolve("chromedriver.log"));
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
            receiver.stop(0);
        }
    }

    @BeforeEach
    void freshPage() {
        // Every test starts as a new visitor: no key remembered (it lives in the tab's sessionStorage).
        WebDriver driver = browser.driver();
        driver.get(base + "/");
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        driver.get(base + "/");
    }

    private static String submit(String url) throws Exception {
        ApiResponse response = api.post("/v1/jobs", "{\"url\": \"" + url + "\"}");
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().get("id").asText();
    }

    private static JsonNode status(String id) throws Exception {
        return api.get("/v1/jobs/" + id).json();
    }

    private static boolean isFinal(JsonNode status) {
        String state = status.path("state").asText();
        return state.equals("delivered") || state.equals("failed");
    }

    private static WebDriver page() {
        return browser.driver();
    }

    private static void useKey(String value) {
        WebElement field = page().findElement(By.id("api-key"));
        field.clear();
        field.sendKeys(value);
        page().findElement(By.id("use-key")).click();
    }

    private static String cell(String region, String column) {
        List<WebElement> cells = page().findElements(By.cssSelector("#regions tbody tr[data-region='" + region + "'] ."
                + column));
        return cells.isEmpty() ? null : cells.get(0).getText();
    }

    /** Runs the checks; on failure keeps a screenshot next to the test reports, then fails. */
    private static void shot(TestInfo test, Runnable checks) {
        String name = test.getTestMethod().orElseThrow().getName();
        try {
            checks.run();
            browser.screenshot(SHOTS.resolve(name + ".png"));
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot(SHOTS.resolve(name + "-FAILED.png"));
            throw e;
        }
    }

    @Test
    void withoutAKeyThePageAsksForOneAndWithItShowsEveryRegionsCounts(TestInfo test) {
        shot(test, () -> {
            WebElement notice = page().findElement(By.id("notice"));
            browser.await(UI, d -> notice.isDisplayed() && notice.getText().contains("needs an API key"));
            assertThat(page().findElements(By.cssSelector("#regions tbody tr"))).isEmpty();

            useKey(key);
            browser.await(UI, d -> String.valueOf(DELIVERED).equals(cell("frankfurt", "delivered"))
                    && String.valueOf(FAILED).equals(cell("mumbai", "failed")));
            assertThat(notice.isDisplayed()).isFalse();
            List<WebElement> rows = page().findElements(By.cssSelector("#regions tbody tr"));
            assertThat(rows).extracting(row -> row.getDomAttribute("data-region"))
                    .containsExactly("n_california", "n_virginia", "frankfurt", "singapore", "mumbai");
            assertThat(cell("mumbai", "delivered")).isEqualTo("0");
            assertThat(cell("frankfurt", "failed")).isEqualTo("0");
            assertThat(cell("singapore", "queued")).isEqualTo("0");
            for (String region : List.of("n_california", "n_virginia", "frankfurt", "singapore", "mumbai")) {
                assertThat(cell(region, "rate")).matches("\\d+\\.\\d");
                // Lag is read from the workers' consumer groups: a number, not the "unknown" dash.
                browser.await(UI, d -> String.valueOf(cell(region, "lag")).matches("[\\d,]+"));
            }

            // A click on a region lists only its failures.
            page().findElement(By.cssSelector("#regions tbody tr[data-region='frankfurt']")).click();
            browser.await(UI, d -> d.findElement(By.id("failures-status")).getText()
                    .equals("No failed jobs in frankfurt in the job store."));
            assertThat(page().findElements(By.cssSelector("#failures tbody tr"))).isEmpty();
            page().findElement(By.cssSelector("#regions tbody tr[data-region='mumbai']")).click();
            browser.await(UI, d -> d.findElements(By.cssSelector("#failures tbody tr .region")).size() == 20);
            assertThat(page().findElements(By.cssSelector("#failures tbody tr .region")))
                    .allMatch(region -> region.getText().equals("mumbai"));
        });
    }

    @Test
    void aWrongKeyIsSaidToBeRefused(TestInfo test) {
        shot(test, () -> {
            useKey("ed_0000000000000000_not-a-real-key-not-a-real-key-not-a-real-k");
            WebElement notice = page().findElement(By.id("notice"));
            browser.await(UI, d -> notice.isDisplayed() && notice.getText().contains("was refused"));
            assertThat(page().findElements(By.cssSelector("#regions tbody tr"))).isEmpty();
        });
    }

    @Test
    void recentFailuresShowTheirReasonOnePageAtATimeAndAClickShowsTheTimeline(TestInfo test) throws Exception {
        useKey(key);
        By rows = By.cssSelector("#failures tbody tr");
        browser.await(UI, d -> d.findElements(rows).size() == 20);
        List<WebElement> firstPage = page().findElements(rows);
        WebElement first = firstPage.get(0);
        String id = first.getDomAttribute("data-job-id");
        assertThat(failedIds).contains(id);
        JsonNode job = status(id);
        String reason = first.findElement(By.cssSelector(".reason")).getText();
        assertThat(reason).isNotBlank().isEqualTo(job.get("reason").asText());
        assertThat(first.findElement(By.cssSelector(".region")).getText()).isEqualTo("mumbai");
        assertThat(first.findElement(By.cssSelector(".outcome")).getText()).isEqualTo("5xx");

        shot(test, () -> {
            // Paged: 26 failures are 20 on the first page, 6 on the next, never all at once.
            page().findElement(By.id("failures-older")).click();
            browser.await(UI, d -> d.findElements(rows).size() == FAILED + 1 - 20);
            List<String> secondPage = page().findElements(rows).stream().map(row -> row.getDomAttribute("data-job-id")).toList();
            assertThat(secondPage).doesNotContain(id).contains(markupId)
                    .allMatch(shown -> failedIds.contains(shown) || shown.equals(markupId));
            assertThat(page().findElement(By.id("failures-older")).isEnabled()).isFalse();
            page().findElement(By.id("failures-newer")).click();
            browser.await(UI, d -> d.findElements(rows).size() == 20
                    && id.equals(d.findElements(rows).get(0).getDomAttribute("data-job-id")));

            page().findElements(rows).get(0).click();
            By attempts = By.cssSelector("#job li.attempt");
            browser.await(UI, d -> d.findElements(attempts).size() == 2);
            assertThat(page().findElement(By.cssSelector("#job .job-id")).getText()).isEqualTo(id);
            assertThat(page().findElement(By.cssSelector("#job .job-state")).getText()).isEqualTo("failed");
            assertThat(page().findElement(By.cssSelector("#job .job-reason")).getText()).isEqualTo(reason);
            assertThat(page().getCurrentUrl()).endsWith("#job=" + id);
            List<WebElement> shown = page().findElements(attempts);
            for (int i = 0; i < shown.size(); i++) {
                JsonNode attempt = job.get("attempts").get(i);
                WebElement item = shown.get(i);
                assertThat(item.findElement(By.cssSelector(".label")).getText()).isEqualTo("primary #" + (i + 1) + " 5xx");
                assertThat(item.findElement(By.cssSelector(".status")).getText()).isEqualTo("status 503");
                assertThat(item.findElement(By.cssSelector(".duration")).getText())
                        .isEqualTo(String.format("%,d ms", attempt.get("duration_ms").asLong()));
                assertThat(item.findElement(By.cssSelector(".reason")).getText()).isEqualTo(attempt.get("reason").asText());
            }
        });
    }

    @Test
    void markupInAFailuresReasonAndUrlIsShownAsText(TestInfo test) {
        useKey(key);
        By rows = By.cssSelector("#failures tbody tr");
        browser.await(UI, d -> d.findElements(rows).size() == 20);
        shot(test, () -> {
            page().findElement(By.id("failures-older")).click();
            By markupRow = By.cssSelector("#failures tbody tr[data-job-id='" + markupId + "']");
            browser.await(UI, d -> !d.findElements(markupRow).isEmpty());
            assertThat(page().findElement(markupRow).findElement(By.cssSelector(".reason")).getText()).isEqualTo(MARKUP);
            page().findElement(markupRow).click();
            browser.await(UI, d -> !d.findElements(By.cssSelector("#job li.attempt")).isEmpty());
            assertThat(page().findElement(By.cssSelector("#job .job-reason")).getText()).isEqualTo(MARKUP);
            assertThat(page().findElements(By.cssSelector("#job .url"))).anyMatch(url -> url.getText().contains(MARKUP));
            assertThat(page().findElements(By.cssSelector("#job .reason"))).anyMatch(reason -> reason.getText().equals(MARKUP));
            // Text, not elements: no image was made and its handler never ran.
            assertThat(page().findElements(By.cssSelector("#failures img, #job img"))).isEmpty();
            assertThat(((org.openqa.selenium.JavascriptExecutor) page()).executeScript("return window.__xss === undefined"))
                    .isEqualTo(true);
        });
    }

    @Test
    void aSecondClickWhileTheFirstJobLoadsShowsTheSecondJob(TestInfo test) {
        useKey(key);
        By rows = By.cssSelector("#failures tbody tr");
        browser.await(UI, d -> d.findElements(rows).size() == 20);
        shot(test, () -> {
            List<WebElement> shown = page().findElements(rows);
            String second = shown.get(1).getDomAttribute("data-job-id");
            String third = shown.get(2).getDomAttribute("data-job-id");
            // A final job shown first: the page stops refreshing it.
            shown.get(2).click();
            browser.await(UI, d -> !d.findElements(By.cssSelector("#job .job-id")).isEmpty()
                    && third.equals(d.findElement(By.cssSelector("#job .job-id")).getText()));
            // Two clicks in one task: the second comes while the first job's request is in flight.
            ((org.openqa.selenium.JavascriptExecutor) page()).executeScript(
                    "const rows = document.querySelectorAll('#failures tbody tr'); rows[0].click(); rows[1].click();");
            browser.await(UI, d -> !d.findElements(By.cssSelector("#job .job-id")).isEmpty()
                    && second.equals(d.findElement(By.cssSelector("#job .job-id")).getText()));
        });
    }

    @Test
    void aMalformedJobHashDoesNotStopThePage(TestInfo test) {
        useKey(key);
        browser.await(UI, d -> d.findElements(By.cssSelector("#regions tbody tr")).size() == 5);
        shot(test, () -> {
            // A new load (the key stays in the tab), starting with a hash that does not decode.
            page().get(base + "/?malformed#job=%E0");
            browser.await(UI, d -> d.findElements(By.cssSelector("#regions tbody tr")).size() == 5
                    && d.findElement(By.id("regions-updated")).getText().startsWith("updated"));
            String first = page().findElement(By.id("regions-updated")).getText();
            // The refresh timers started: the regions are read again (every 2 s).
            browser.await(UI, d -> !d.findElement(By.id("regions-updated")).getText().equals(first));
        });
    }

    @Test
    void forgettingTheKeyClearsTheFailuresAndTheTimeline(TestInfo test) {
        useKey(key);
        By rows = By.cssSelector("#failures tbody tr");
        browser.await(UI, d -> d.findElements(rows).size() == 20);
        shot(test, () -> {
            page().findElements(rows).get(0).click();
            browser.await(UI, d -> !d.findElements(By.cssSelector("#job li.attempt")).isEmpty());
            page().findElement(By.id("forget-key")).click();
            browser.await(UI, d -> d.findElement(By.id("notice")).getText().contains("needs an API key"));
            assertThat(page().findElements(rows)).isEmpty();
            assertThat(page().findElement(By.id("job")).getText()).isEmpty();
            assertThat(page().findElements(By.cssSelector("#regions tbody tr"))).isEmpty();
        });
    }

    @Test
    void aJobEnteredByIdShowsItsTimeline(TestInfo test) throws Exception {
        useKey(key);
        String id = deliveredIds.get(3);
        JsonNode job = status(id);
        shot(test, () -> {
            WebElement field = page().findElement(By.id("job-id"));
            field.sendKeys(id);
            page().findElement(By.id("show-job")).click();
            By attempts = By.cssSelector("#job li.attempt");
            browser.await(UI, d -> d.findElements(attempts).size() == 1);
            WebElement attempt = page().findElement(attempts);
            assertThat(page().findElement(By.cssSelector("#job .job-state")).getText()).isEqualTo("delivered");
            assertThat(page().findElement(By.cssSelector("#job .job-region")).getText()).startsWith("frankfurt");
            assertThat(attempt.findElement(By.cssSelector(".label")).getText()).isEqualTo("primary #1 ok");
            assertThat(attempt.findElement(By.cssSelector(".status")).getText()).isEqualTo("status 200");
            assertThat(attempt.findElement(By.cssSelector(".url")).getText())
                    .isEqualTo(job.at("/attempts/0/url").asText());

            field.clear();
            field.sendKeys("no-such-job");
            page().findElement(By.id("show-job")).click();
            browser.await(UI, d -> d.findElement(By.id("job")).getText().startsWith("No job no-such-job"));
        });
    }
}
