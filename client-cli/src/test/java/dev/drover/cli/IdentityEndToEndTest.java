package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users and tokens through the CLI, over real HTTP, on a scheduler whose users live in its data
 * directory as {@code drover scheduler -lw} keeps them; each command gets a home of the test's own.
 */
class IdentityEndToEndTest {
    @TempDir
    static Path dir;
    static SchedulerService service;
    static Scheduler scheduler;
    static HttpApi api;
    static String address;
    static Path adminHome;

    @BeforeAll
    static void start() throws Exception {
        Path data = dir.resolve("data");
        service = SchedulerService.start(ServiceOptions.of(data, Clock.systemUTC(), new ServiceOptions.InJvmPool(2)));
        scheduler = service.scheduler();
        Accounts accounts = new Accounts(new InMemoryUserStore(data.resolve("users.json")), Clock.systemUTC());
        // as the scheduler command does on a first start
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

    static Run drover(Map<String, String> env, Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(env, home));
        return new Run(code, out.toString(), err.toString());
    }

    static Run asAdmin(String... args) {
        return drover(Map.of(), adminHome, args);
    }

    @Test
    void theAdminsTokenFileIsPrivate() throws Exception {
        Path file = adminHome.resolve(".drover/token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(List.of("token"), Files.list(file.getParent()).map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        String users = Files.readString(dir.resolve("data/users.json"));
        assertFalse(users.contains(Files.readString(file).trim()), "only the token's hash is stored");
    }

    @Test
    void withNoTokenAClientExits2AndSaysHowToGetOne() {
        Run run = drover(Map.of(), dir.resolve("empty-home"), "jobs", "-s", address);
        assertEquals(2, run.code, run.err);
        assertTrue(run.err.contains("--token-file") && run.err.contains("DROVER_TOKEN") && run.err.contains("drover users add"), run.err);
        Run wrong = drover(Map.of(TokenFile.VARIABLE, "forged"), dir.resolve("empty-home"), "jobs", "-s", address);
        assertEquals(1, wrong.code);
        assertTrue(wrong.err.contains("invalid or revoked token"), wrong.err);
    }

    @Test
    void usersAreAddedListedAndRemovedAndEachSeesOnlyTheirOwnJobs() throws Exception {
        Run added = asAdmin("users", "add", "dana", "-s", address);
        assertEquals(0, added.code, added.err);
        String token = added.lastLine();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "the token alone on the last line: " + added.out);
        Run list = asAdmin("users", "list", "-s", address);
        assertTrue(list.out.contains("dana") && list.out.contains("admin"), list.out);
        assertFalse(list.out.contains(token));

        Path w = Files.writeString(dir.resolve("dana.txt"), "echo from-dana\n");
        Path tokenFile = Files.writeString(dir.resolve("dana.token"), token + "\n");
        // --token-file wins over $DROVER_TOKEN, which wins over ~/.drover/token
        Run submitted = drover(Map.of(TokenFile.VARIABLE, "forged"), adminHome,
                "submit", "-s", address, "--token-file", tokenFile.toString(), "-w", w.toString(), "--wait", "-q");
        assertEquals(0, submitted.code, submitted.err);
        Run danaJobs = drover(Map.of(TokenFile.VARIABLE, token), adminHome, "jobs", "-s", address);
        assertEquals(2, danaJobs.out.lines().count(), "a header and dana's one job: " + danaJobs.out);
        String jobId = danaJobs.out.lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

        Run other = asAdmin("users", "add", "eli", "-s", address);
        String eli = other.lastLine();
        Run eliStatus = drover(Map.of(TokenFile.VARIABLE, eli), dir.resolve("x"), "status", jobId, "-s", address);
        assertEquals(1, eliStatus.code);
        assertTrue(eliStatus.err.contains("no such job"), eliStatus.err);
        assertEquals(1, drover(Map.of(TokenFile.VARIABLE, eli), dir.resolve("x"), "jobs", "-s", address).out.lines().count());
        assertTrue(asAdmin("jobs", "-s", address).out.contains(jobId), "the admin sees every job");
        Run eliAdds = drover(Map.of(TokenFile.VARIABLE, eli), dir.resolve("x"), "users", "add", "mallory", "-s", address);
        assertEquals(1, eliAdds.code);
        assertTrue(eliAdds.err.contains("only an admin"), eliAdds.err);

        Run removed = asAdmin("users", "remove", "dana", "-s", address);
        assertEquals(0, removed.code, removed.err);
        Run revoked = drover(Map.of(TokenFile.VARIABLE, token), adminHome, "jobs", "-s", address);
        assertEquals(1, revoked.code);
        assertTrue(revoked.err.contains("invalid or revoked token"), revoked.err);
        assertFalse(asAdmin("users", "list", "-s", address).out.contains("dana"));
    }
}
