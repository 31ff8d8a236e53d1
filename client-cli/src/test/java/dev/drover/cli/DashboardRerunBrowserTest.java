package dev.drover.cli;

import dev.drover.service.InJvmFleet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.User;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's rerun and why panel in headless Chromium: a job with a failure group is selected, its
 * why panel explains it, "Rerun this group" submits just that group's tasks (the cookie session's CSRF
 * header passes) and the new job appears in the list. Skipped where no Chromium is installed.
 */
class DashboardRerunBrowserTest {
    @TempDir
    Path dir;

    @Test
    void rerunsAFailureGroupFromThePageAndShowsWhy() throws Exception {
        assumeTrue(Files.isExecutable(DashboardBrowserTest.CHROMIUM) && Files.isExecutable(DashboardBrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        Clock clock = Clock.systemUTC();
        try (InJvmFleet fleet = new InJvmFleet(2, clock);
             Scheduler scheduler = new Scheduler(fleet.schedulerConfig(dir.resolve("data")), fleet.backend(), clock).start()) {
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
            accounts.bootstrap().orElseThrow();
            User admin = accounts.list().stream().filter(u -> u.name().equals(Accounts.ADMIN)).findFirst().orElseThrow();
            try (HttpApi api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start()) {
                String job = scheduler.submit(DashboardBrowserTest.workload("echo ok\n".repeat(5)
                        + "sh -c 'echo \"disk full\" >&2; exit 3'\n".repeat(4) + "sh -c 'echo \"bad input\" >&2; exit 4'\n"),
                        "failing.txt", Accounts.ADMIN).jobId();
                scheduler.awaitDone(job);
                // the same Chromium settings as the first browser test, with this test's profile folder
                ChromeDriver driver = new DashboardBrowserTest() {
                    { dir = DashboardRerunBrowserTest.this.dir; }
                }.chromium();
                try {
                    var wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(100))
                            .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
                    driver.get(api.dashboardUrl("127.0.0.1", admin));
                    By row = By.cssSelector("#jobs tr[data-job='" + job + "']");
                    wait.until(d -> !d.findElements(row).isEmpty());
                    driver.findElement(row).click();
                    // the why panel: the job is done, and says so
                    wait.until(d -> !d.findElements(By.cssSelector("#d-why li[data-code='done']")).isEmpty());
                    By button = By.xpath("//table[@id='d-failures']//tr[td[contains(., 'disk full')]]//button[contains(@class,'rerun')]");
                    wait.until(d -> !d.findElements(button).isEmpty());
                    driver.findElement(button).click();
                    String made = wait.until(d -> {
                        String id = d.findElement(By.id("d-rerun")).getAttribute("data-job");
                        return id == null || id.isEmpty() ? null : id;
                    });
                    By newRow = By.cssSelector("#jobs tr[data-job='" + made + "']");
                    wait.until(d -> !d.findElements(newRow).isEmpty());
                    JobView rerun = scheduler.status(made).orElseThrow();
                    assertEquals(4, rerun.total());
                    assertEquals(Accounts.ADMIN, rerun.owner());
                    scheduler.awaitDone(made);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    scheduler.streamResults(made, out, false);
                    assertTrue(out.toString(StandardCharsets.UTF_8).lines().map(dev.drover.core.codec.Json::result)
                            .map(TaskResult::stderr).allMatch(s -> s.strip().equals("disk full")), out.toString());
                    // the stream brings the new job's figures to its row
                    wait.until(d -> "4".equals(d.findElement(newRow).getAttribute("data-done")));
                } finally {
                    driver.quit();
                }
            }
        }
    }
}
