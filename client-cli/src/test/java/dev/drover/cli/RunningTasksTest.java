package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the in-JVM pool a long task shows RUNNING, with its worker and start time, in status and in one task's view. */
class RunningTasksTest {
    @TempDir
    Path dir;

    @Test
    void aLongSleepShowsRunningWithItsWorkerInStatusAndTaskViews() throws Exception {
        Clock clock = Clock.systemUTC();
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), clock,
                new ServiceOptions.InJvmPool(1)))) {
            Scheduler scheduler = service.scheduler();
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
            String token = accounts.bootstrap().orElseThrow();
            try (HttpApi api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start()) {
                long t0 = clock.millis();
                String job = scheduler.submit(new ByteArrayInputStream("sleep 0\nsleep 20000\n".getBytes(StandardCharsets.UTF_8)),
                        "w.txt", Accounts.ADMIN).jobId();
                JobView view = scheduler.status(job).orElseThrow();
                long end = System.nanoTime() + 5_000_000_000L;
                while (view.counts().get(TaskStatus.RUNNING) == 0 && System.nanoTime() < end) {
                    Thread.sleep(20);
                    view = scheduler.status(job).orElseThrow();
                }
                long seen = clock.millis() - t0;
                assertEquals(1, view.counts().get(TaskStatus.RUNNING), "" + view.counts());
                assertTrue(seen < 2000, "RUNNING within the start interval, not at the end: " + seen + " ms");

                Map<String, String> env = Map.of(TokenFile.VARIABLE, token);
                String address = "127.0.0.1:" + api.port();
                JsonNode status = Json.MAPPER.readTree(drover(env, "status", job, "-s", address, "--json"));
                assertEquals(1, status.get("counts").get("RUNNING").asInt(), status.toString());
                JsonNode task = Json.MAPPER.readTree(drover(env, "status", job, "--task", "1", "-s", address, "--json"));
                assertEquals("RUNNING", task.get("status").asText(), task.toString());
                assertTrue(task.get("worker").asText().startsWith("local-"), task.toString());
                assertTrue(task.get("startedAt").asLong() >= t0, task.toString());
                assertTrue(task.get("result").isNull());
                String why = drover(env, "why", job, "--task", "1", "-s", address);
                assertTrue(why.contains("task 1: RUNNING") && why.contains("held by worker local-"), why);

                scheduler.cancel(job);
                assertEquals(TaskStatus.CANCELLED, scheduler.task(job, 1).orElseThrow().status());
                assertEquals(0, scheduler.status(job).orElseThrow().counts().get(TaskStatus.RUNNING));
            }
        }
    }

    static String drover(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(env, Path.of("/nonexistent")));
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}
