package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights and priorities through the CLI and real HTTP, on the in-JVM pool of two workers. */
class FairShareCliTest {
    @TempDir
    static Path dir;
    static SchedulerService service;
    static Scheduler scheduler;
    static HttpApi api;
    static String address;
    static Path adminHome;
    static Accounts accounts;

    @BeforeAll
    static void start() throws Exception {
        Path data = dir.resolve("data");
        accounts = new Accounts(new InMemoryUserStore(data.resolve("users.json")), Clock.systemUTC());
        service = SchedulerService.start(ServiceOptions.of(data, Clock.systemUTC(), new ServiceOptions.InJvmPool(2)));
        scheduler = service.scheduler().weights(accounts::weight);
        adminHome = dir.resolve("admin-home");
        TokenFile.write(new ClientEnvironment(Map.of(), adminHome).defaultTokenFile(), accounts.bootstrap().orElseThrow());
        api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start();
        address = "127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        api.close();
        service.close();
    }

    record Run(int code, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.get(lines.size() - 1);
        }
    }

    static Run drover(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(env, adminHome));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void weightsAreSetAtAddAndChangedAndTheDispatcherSeesThem() {
        Run added = drover(Map.of(), "users", "add", "carl", "--weight", "3", "-s", address);
        assertEquals(0, added.code, added.err);
        assertTrue(added.lastLine().matches("[A-Za-z0-9_-]{43}"), added.out);
        assertTrue(drover(Map.of(), "users", "list", "-s", address).out.lines().anyMatch(l -> l.matches("carl\\s+no\\s+3\\s+.*")));
        assertEquals(3, accounts.weight("carl"));
        Run set = drover(Map.of(), "users", "set", "carl", "--weight", "2", "-s", address);
        assertEquals(0, set.code, set.err);
        assertEquals(2, accounts.weight("carl"), "a change through this scheduler bites at once");
        assertTrue(drover(Map.of(), "users", "list", "-s", address).out.lines().anyMatch(l -> l.matches("carl\\s+no\\s+2\\s+.*")));
        assertEquals(1, drover(Map.of(), "users", "set", "nobody", "--weight", "2", "-s", address).code, "no such user: 404");
        assertEquals(2, drover(Map.of(), "users", "set", "carl", "--weight", "0", "-s", address).code);
        assertEquals(2, drover(Map.of(), "users", "add", "dora", "--weight", "10001", "-s", address).code);
    }

    @Test
    void aJobOfHigherPriorityGoesBeforeTheSameUsersEarlierJob() throws Exception {
        String token = drover(Map.of(), "users", "add", "pia", "-s", address).lastLine();
        // another user holds the fleet, so pia's jobs wait at the scheduler for their share, where priority orders them
        String hog = FairShareEndToEndTest.submit(scheduler, "hog", "sleep 50\n".repeat(400));
        FairShareEndToEndTest.awaitStarted(scheduler, hog);
        Path slow = Files.writeString(dir.resolve("slow.txt"), "sleep 50\n".repeat(300));
        Path urgent = Files.writeString(dir.resolve("urgent.txt"), "sleep 50\n".repeat(4));
        Map<String, String> asPia = Map.of(TokenFile.VARIABLE, token);
        Run first = drover(asPia, "submit", "-s", address, "-w", slow.toString());
        assertEquals(0, first.code, first.err);
        String slowJob = first.out.trim();
        Run second = drover(asPia, "submit", "-s", address, "-w", urgent.toString(), "--priority", "5", "--wait", "-q");
        assertEquals(0, second.code, second.err);
        scheduler.cancel(slowJob);
        scheduler.cancel(hog);
        List<TaskResult> slowResults = FairShareEndToEndTest.results(scheduler, slowJob);
        String urgentJob = scheduler.list().stream().filter(j -> j.owner().equals("pia") && j.total() == 4).findFirst().orElseThrow().jobId();
        long lastStart = FairShareEndToEndTest.results(scheduler, urgentJob).stream().mapToLong(TaskResult::startedAt).max().orElseThrow();
        long before = slowResults.stream().filter(r -> r.status() == TaskStatus.SUCCEEDED && r.finishedAt() <= lastStart).count();
        assertTrue(before < 60, "the urgent job's last task started after " + before + " of 300 earlier tasks ended");
    }

    @Test
    void aBadPriorityIsBadInput() throws Exception {
        Path w = Files.writeString(dir.resolve("w.txt"), "sleep 0\n");
        Run cli = drover(Map.of(), "submit", "-s", address, "-w", w.toString(), "--priority", "1001");
        assertEquals(2, cli.code);
        assertTrue(cli.err.contains("--priority"), cli.err);
        String admin = Files.readString(adminHome.resolve(".drover/token")).trim();
        for (String p : List.of("x", "1001", "--1", "")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://" + address + "/jobs?name=w&priority=" + p))
                    .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.ofString("sleep 0\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), p + ": " + r.body());
        }
    }
}
