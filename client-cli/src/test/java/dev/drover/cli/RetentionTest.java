package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.retention.StoreRetention;
import dev.drover.scheduler.auth.Accounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's objects expire with the job on the in-JVM pool, as the deployed bucket's lifecycle rules
 * expire them: its workload, files pack and outputs (whole stdout included) go once the retention has
 * passed, and a files pack another job named later lives on.
 */
class RetentionTest {
    static final Accounts.Local ACCESS = Accounts.local(Clock.systemUTC());

    @TempDir
    Path dir;

    /** The system clock moved on by {@code ahead}: what a sweep sees that many days later. */
    static Clock later(Duration ahead) {
        return Clock.fixed(Instant.now().plus(ahead), ZoneOffset.UTC);
    }

    @Test
    void aJobsObjectsAreDeletedOnceTheRetentionHasPassed() throws Exception {
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), Clock.systemUTC(),
                new ServiceOptions.InJvmPool(2)).withHttp(ServiceOptions.Http.loopback(ACCESS.accounts())))) {
            String address = "127.0.0.1:" + service.port();
            Path files = Files.createDirectories(dir.resolve("files"));
            Files.writeString(files.resolve("in.txt"), "in\n");
            Path w = Files.writeString(dir.resolve("w.txt"),
                    "cat in.txt > \"$DROVER_OUTPUT_DIR/out.txt\"; yes x | head -c 100000\n");
            Path json = dir.resolve("s.json");
            Run first = drover(address, "submit", "-s", address, "-w", w.toString(), "--files", files.toString(), "--wait",
                    "--json", json.toString());
            assertEquals(0, first.code, first.err);
            String job = Json.MAPPER.readTree(json.toFile()).get("jobId").asText();
            PayloadStore store = service.pool().orElseThrow().backend().payloads();
            List<String> objects = keys(store);
            assertTrue(objects.contains("outputs/" + job + "/0/out.txt"), objects.toString());
            assertTrue(objects.contains("outputs/" + job + "/0/.drover/stdout"), objects.toString());
            assertTrue(objects.stream().anyMatch(k -> k.startsWith("files/")), objects.toString());
            // (no workloads/ object: without a job store the scheduler spools the workload to its data directory)

            // 29 days on: nothing has gone
            assertEquals(0, new StoreRetention(store, StoreRetention.DEFAULT_RETENTION, later(Duration.ofDays(29))).sweep());
            // 31 days on: all of it, and a download says the outputs are gone rather than writing anything
            assertEquals(objects.size(), new StoreRetention(store, StoreRetention.DEFAULT_RETENTION,
                    later(Duration.ofDays(31))).sweep());
            assertEquals(List.of(), keys(store));
            Path out = dir.resolve("out");
            Run download = drover(address, "results", "-s", address, job, "--download", out.toString());
            assertNotEquals(0, download.code, download.err);
            assertTrue(download.err.contains("2 failed"), download.err);
            assertFalse(Files.exists(out.resolve("0/out.txt")));
        }
    }

    @Test
    void aFilesPackThatALaterJobNamesOutlivesTheFirstJob() throws Exception {
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), Clock.systemUTC(),
                new ServiceOptions.InJvmPool(1)).withHttp(ServiceOptions.Http.loopback(ACCESS.accounts())))) {
            String address = "127.0.0.1:" + service.port();
            Path files = Files.createDirectories(dir.resolve("files"));
            Files.writeString(files.resolve("in.txt"), "in\n");
            Path w = Files.writeString(dir.resolve("w.txt"), "cat in.txt\n");
            assertEquals(0, drover(address, "submit", "-s", address, "-w", w.toString(), "--files", files.toString(),
                    "--wait").code);
            PayloadStore store = service.pool().orElseThrow().backend().payloads();
            String pack = keys(store).stream().filter(k -> k.startsWith("files/")).findFirst().orElseThrow();
            Instant written = store.list(pack).get(0).modified();
            Thread.sleep(5);
            Run second = drover(address, "submit", "-s", address, "-w", w.toString(), "--files", files.toString(), "--wait");
            assertEquals(0, second.code, second.err);
            assertTrue(second.err.contains("already in the store, not uploaded again"), second.err);
            Instant renewed = store.list(pack).get(0).modified();
            assertTrue(renewed.isAfter(written), "the second job's submission renewed the pack: " + written + " " + renewed);
            // a sweep that finds the first write past the retention but not the renewal keeps the pack
            Clock between = Clock.fixed(written.plus(StoreRetention.DEFAULT_RETENTION).plusMillis(1), ZoneOffset.UTC);
            new StoreRetention(store, StoreRetention.DEFAULT_RETENTION, between).sweep();
            assertTrue(store.exists(pack));
        }
    }

    private static List<String> keys(PayloadStore store) {
        return StoreRetention.PREFIXES.stream().flatMap(p -> store.list(p).stream()).map(PayloadStore.StoredObject::key)
                .toList();
    }

    record Run(int code, String out, String err) {}

    private static Run drover(String address, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err),
                new ClientEnvironment(Map.of(TokenFile.VARIABLE, ACCESS.adminToken()),
                        Path.of(System.getProperty("java.io.tmpdir"), "drover-retention-home-" + ProcessHandle.current().pid())));
        return new Run(code, out.toString(), err.toString());
    }
}
