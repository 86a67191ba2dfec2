package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.ApiResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The status page as {@code up} serves it on loopback, keys off (and here without workers, as
 * {@code up --no-workers}): nothing to paste, the counts show at once, and jobs nobody delivers
 * show as queued with the region's lag.
 */
class StatusPageOpenBrowserTest {

    @Test
    void withKeysOffThePageShowsTheCountsWithoutAskingForAKey(@TempDir Path dir) throws Exception {
        try (LocalStack stack = TestStacks.schedulerOnly(dir.resolve("data"))) {
            ApiClient api = TestStacks.api(stack);
            String base = api.base();
            for (int i = 0; i < 3; i++) {
                ApiResponse accepted = api.post("/v1/jobs", "{\"url\": \"https://example.com/cb#er=singapore\"}");
                assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            }
            Path shots = Path.of("target", "status-page");
            Files.createDirectories(shots);
            try (BrowserSession browser = new BrowserSession(dir.resolve("profile"), shots.resolve("chromedriver-open.log"))) {
                browser.driver().get(base + "/");
                By singapore = By.cssSelector("#regions tbody tr[data-region='singapore']");
                try {
                    browser.await(Duration.ofSeconds(20), d -> {
                        List<WebElement> rows = d.findElements(singapore);
                        return !rows.isEmpty() && rows.get(0).findElement(By.cssSelector(".queued")).getText().equals("3")
                                && rows.get(0).findElement(By.cssSelector(".lag")).getText().equals("3");
                    });
                    assertThat(browser.driver().findElement(By.id("notice")).isDisplayed()).isFalse();
                    assertThat(browser.driver().findElements(By.cssSelector("#regions tbody tr"))).hasSize(5);
                    browser.screenshot(shots.resolve("open.png"));
                } catch (RuntimeException | AssertionError e) {
                    browser.screenshot(shots.resolve("open-FAILED.png"));
                    throw e;
                }
            }
        }
    }
}
