package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drover bill}, {@code submit --dry-run / --budget} and {@code users add --monthly-budget}, over real HTTP on an in-JVM pool. */
class BillCommandTest {
    @TempDir
    static Path dir;
    static SchedulerService service;
    static Scheduler scheduler;
    static HttpApi api;
    static String address;
    static Path tokenFile;

    @BeforeAll
    static void start() throws Exception {
        service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), Clock.systemUTC(), new ServiceOptions.InJvmPool(2)));
        scheduler = service.scheduler();
        Accounts.Local local = Accounts.local(Clock.systemUTC());
        api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, local.accounts()).start();
        address = "127.0.0.1:" + api.port();
        tokenFile = Files.writeString(dir.resolve("admin.token"), local.adminToken() + "\n");
    }

    @AfterAll
    static void stop() {
        api.close();
        service.close();
    }

    record Run(int code, String out, String err) {}

    static Run drover(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"-s", address, "--token-file", tokenFile.toString()}, 0, all, args.length, 4);
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(Map.of(), dir.resolve("home")));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aDryRunPrintsTheForecastAndQueuesNothing() throws Exception {
        Path w = Files.writeString(dir.resolve("sleeps.txt"), "sleep 100\n".repeat(10));
        long before = scheduler.list().size();
        Run text = drover("submit", "--dry-run", "-w", w.toString());
        assertEquals(0, text.code, text.err);
        assertTrue(text.out.contains("tasks              10") && text.out.contains("task-seconds       1.000"), text.out);
        assertTrue(text.out.contains("10 exact (sleep)"), text.out);
        Run json = drover("submit", "--dry-run", "-w", w.toString(), "--json", "-");
        assertEquals(0, json.code, json.err);
        assertEquals(1.0, Json.MAPPER.readTree(json.out).get("taskSeconds").asDouble(), 1e-9);
        assertEquals(before, scheduler.list().size(), "nothing submitted");
    }

    @Test
    void aJobKeepsItsBudgetAndTheBillAddsItUp() throws Exception {
        Path w = Files.writeString(dir.resolve("two.txt"), "sleep 20\nsleep 30\n");
        Run submitted = drover("submit", "-w", w.toString(), "--budget", "2.5", "--wait", "-q");
        assertEquals(0, submitted.code, submitted.err);
        assertEquals(2, drover("submit", "-w", w.toString(), "--budget", "-1").code);
        JsonNode bill = Json.MAPPER.readTree(drover("bill", "--json").out);
        JsonNode admin = bill.get("users").get(0);
        assertEquals("admin", admin.get("user").asText());
        JsonNode job = admin.get("jobs").get(admin.get("jobs").size() - 1);
        assertEquals(2.5, job.get("budgetUsd").asDouble());
        assertTrue(job.get("amounts").get("taskSeconds").asDouble() >= 0.05, job.toString());
        Run status = drover("status", "--json", job.get("jobId").asText());
        assertTrue(status.out.contains("\"ec2Usd\"") && status.out.contains("\"requestUsd\""), status.out);
        Run table = drover("bill", "--since", "2000-01-01");
        assertEquals(0, table.code, table.err);
        assertTrue(table.out.contains("(total)") && table.out.contains(job.get("jobId").asText()), table.out);
    }

    @Test
    void badInputExits2() {
        Run since = drover("bill", "--since", "yesterday");
        assertEquals(2, since.code);
        assertTrue(since.err.contains("--since"), since.err);
        assertEquals(2, drover("users", "add", "erin", "--monthly-budget", "-3").code);
        Run added = drover("users", "add", "erin", "--monthly-budget", "5");
        assertEquals(0, added.code, added.err);
        assertEquals(0, drover("bill", "--help").code);
    }
}
