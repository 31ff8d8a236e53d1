package dev.drover.cli;

import dev.drover.service.InJvmFleet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.JobStatus;
import dev.drover.core.port.User;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by Selenium. It signs in
 * through the one-time link, watches a running job's progress move on the in-JVM pool, sees a
 * running task with its worker, cancels the job with the page's button and sees it CANCELLED.
 * Skipped where no Chromium is installed. Leaves a screenshot in {@code target/dashboard.png}.
 */
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void signsInWatchesAJobMoveAndCancelsIt() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        Clock clock = Clock.systemUTC();
        try (InJvmFleet fleet = new InJvmFleet(2, clock);
             Scheduler scheduler = new Scheduler(fleet.schedulerConfig(dir.resolve("data")), fleet.backend(), clock).start()) {
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
            accounts.bootstrap().orElseThrow();
            User admin = accounts.list().stream().filter(u -> u.name().equals(Accounts.ADMIN)).findFirst().orElseThrow();
            try (HttpApi api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start()) {
                // a finished job and a failing one, so the page has something in each panel
                scheduler.submit(workload("echo ok\n".repeat(20)), "warm-up.txt", Accounts.ADMIN);
                scheduler.submit(workload("sh -c 'echo \"disk full\" >&2; exit 3'\n".repeat(6) + "sleep 10\n".repeat(14)),
                        "failing.txt", Accounts.ADMIN);
                String job = scheduler.submit(workload("sleep 50\n".repeat(800)), "sleeps.txt", Accounts.ADMIN).jobId();
                ChromeDriver driver = chromium();
                try {
                    // rows are redrawn on every delta: an element found a moment ago may be gone
                    var wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(100))
                            .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
                    driver.get(api.dashboardUrl("127.0.0.1", admin));
                    By row = By.cssSelector("#jobs tr[data-job='" + job + "']");
                    wait.until(d -> !d.findElements(row).isEmpty());
                    assertTrue(driver.getCurrentUrl().endsWith("/"), "the code left the address bar: " + driver.getCurrentUrl());
                    long first = wait.until(d -> done(d.findElement(row)));
                    wait.until(d -> done(d.findElement(row)) > first);
                    long later = wait.until(d -> done(d.findElement(row)));
                    assertTrue(later < 800, "still running when we cancel: " + later);

                    driver.findElement(row).click();
                    wait.until(d -> d.findElement(By.id("d-running")).getText().contains("local-"));
                    Thread.sleep(4000); // a few seconds of tasks/s on the chart for the screenshot
                    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
                    Files.createDirectories(Path.of("target"));
                    Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);

                    driver.findElement(By.cssSelector("#jobs tr[data-job='" + job + "'] button.cancel")).click();
                    wait.until(d -> "CANCELLED".equals(d.findElement(row).getAttribute("data-state")));
                    assertEquals(JobStatus.CANCELLED, scheduler.status(job).orElseThrow().state());
                    assertTrue(driver.findElements(By.cssSelector("#jobs tr[data-job='" + job + "'] button.cancel")).isEmpty(),
                            "no cancel button on a cancelled job");
                } finally {
                    driver.quit();
                }
            }
        }
    }

    static ByteArrayInputStream workload(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static Long done(WebElement row) {
        return Long.parseLong(row.getAttribute("data-done"));
    }

    ChromeDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1100",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
