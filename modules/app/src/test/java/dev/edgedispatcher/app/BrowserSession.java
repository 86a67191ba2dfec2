package dev.edgedispatcher.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}) driven through Debian's ChromeDriver
 * ({@code /usr/bin/chromedriver}) by Selenium: both given by path, so nothing is downloaded. The
 * flags are the machine notes': as root Chromium needs {@code --no-sandbox}, and without the
 * background-networking flags it keeps trying to reach Google's hosts, which a closed network refuses.
 * Missing packages fail the test, saying which: a skipped browser test would prove nothing.
 */
final class BrowserSession implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    BrowserSession(Path profile, Path driverLog) throws Exception {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new IllegalStateException(binary + " is missing: install Debian's chromium and chromium-driver"
                        + " (apt-get install -y chromium chromium-driver; .ci/run does)");
            }
        }
        Files.createDirectories(profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
                .withLogFile(driverLog.toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1800", "--user-data-dir=" + profile.toAbsolutePath());
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    WebDriver driver() {
        return driver;
    }

    /**
     * Waits until {@code condition} gives a non-null, non-false value, and returns it; on timeout
     * fails with what the page showed then, so that the report says what a user would have seen.
     */
    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(condition::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            String shown;
            try {
                shown = driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
            } catch (RuntimeException unreadable) {
                shown = "(the page could not be read: " + unreadable + ")";
            }
            throw new AssertionError("the page did not get there within " + timeout + "; it showed:\n" + shown, e);
        }
    }

    /** A PNG of what the browser shows, for a failing test's report. */
    void screenshot(Path file) {
        try {
            Files.write(file, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } catch (Exception e) {
            // Best effort: the assertion that failed says what matters.
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
