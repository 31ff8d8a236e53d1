package dev.drover.cli;

import dev.drover.service.SchedulerService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.localaws.ProcessFleetLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The remote path on local AWS: worker processes, SQS, DynamoDB and S3 emulators, real failures. */
class RemotePathTest {
    static final Accounts.Local ACCESS = Accounts.local(Clock.systemUTC());
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    /** Worker processes with a short lease, so a dead worker's bundle comes back within seconds. */
    ProcessFleetLauncher workers(int count, int threads) {
        return stack.workers(dir, count, threads, "30s", Map.of("DROVER_LEASE", "4s"));
    }

    SchedulerService scheduler(String name, int fleetThreads) throws Exception {
        return stack.scheduler(dir.resolve(name), fleetThreads);
    }

    @Test
    void aWorkerKilledMidTaskLosesNothingAndItsTasksRunAgain() throws Exception {
        try (ProcessFleetLauncher fleet = workers(2, 2); SchedulerService service = scheduler("kill", 4)) {
            Scheduler scheduler = service.scheduler();
            String jobId = LocalAwsStack.submit(scheduler, "/bin/sleep 1.5\n".repeat(12));
            while (scheduler.status(jobId).orElseThrow().counts().get(TaskStatus.SUCCEEDED) < 2) {
                Thread.sleep(50);
            }
            ProcessHandle victim = fleet.process("proc-1").orElseThrow();
            victim.destroyForcibly();
            victim.onExit().get(10, TimeUnit.SECONDS);
            LocalAwsStack.awaitDone(scheduler, jobId, 90);
            List<TaskResult> all = LocalAwsStack.results(scheduler, jobId);
            assertEquals(12, all.size());
            assertEquals(12, all.stream().map(TaskResult::seq).distinct().count(), "one result per task");
            assertTrue(all.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED), all.toString());
            assertTrue(all.stream().anyMatch(r -> r.attempts() == 2), "the killed worker's tasks ran again: " + all);
            assertTrue(all.stream().noneMatch(r -> r.attempts() == 2 && r.worker().equals("proc-1")));
        }
    }

    @Test
    void aRestartedSchedulerFinishesTheJobAndServesEveryResult() throws Exception {
        try (ProcessFleetLauncher fleet = workers(2, 2)) {
            String jobId;
            try (SchedulerService service = scheduler("first", 4)) {
                Scheduler first = service.scheduler();
                jobId = LocalAwsStack.submit(first, "sleep 300\n".repeat(40));
                while (first.status(jobId).orElseThrow().counts().get(TaskStatus.SUCCEEDED) < 4) {
                    Thread.sleep(20);
                }
            }
            try (SchedulerService service = stack.served(dir.resolve("second"), 4, ACCESS.accounts())) {
                Scheduler second = service.scheduler();
                LocalAwsStack.awaitDone(second, jobId, 90);
                StringWriter out = new StringWriter();
                int code = Main.run(new String[] {"results", "-s", "127.0.0.1:" + service.port(), jobId},
                        new PrintWriter(out), new PrintWriter(new StringWriter()),
                        new ClientEnvironment(Map.of(TokenFile.VARIABLE, ACCESS.adminToken()), Path.of("/nonexistent-home")));
                assertEquals(0, code);
                List<TaskResult> all = out.toString().lines().map(Json::result).toList();
                assertEquals(40, all.size());
                assertEquals(40, all.stream().map(TaskResult::seq).distinct().count());
                assertEquals(40, second.status(jobId).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
            }
        }
    }

    /** The request counts are exact, so the cost targets are asserted, not benchmarked. */
    @Test
    void tenThousandShortTasksCostUnderATenthOfARequestEach() throws Exception {
        try (ProcessFleetLauncher fleet = workers(2, 4); SchedulerService service = scheduler("cost", 8)) {
            Scheduler scheduler = service.scheduler();
            String jobId = LocalAwsStack.submit(scheduler, "sleep 0\n".repeat(10_000));
            LocalAwsStack.awaitDone(scheduler, jobId, 120);
            JobView job = scheduler.status(jobId).orElseThrow();
            assertEquals(10_000, job.counts().get(TaskStatus.SUCCEEDED));
            assertTrue(job.sqsRequests() > 0 && job.dynamoWrites() > 0, "calls were counted: " + job);
            assertTrue(job.sqsRequests() <= 1_000, "SQS requests: " + job.sqsRequests());
            assertTrue(job.dynamoWrites() <= 1_000, "DynamoDB writes: " + job.dynamoWrites());
        }
    }

    @Test
    void runGrowsTheFleetByBacklogThenItStopsItself() throws Exception {
        Path workload = Files.writeString(dir.resolve("burst.txt"), "sleep 10\n".repeat(2000));
        Path json = dir.resolve("burst.json");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"run", workload.toString(), "--max-workers", "4", "--worker-threads", "1",
                "--idle-timeout", "3", "--target-latency", "2s", "-q", "--json", json.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        JsonNode summary = Json.MAPPER.readTree(json.toFile());
        assertEquals(2000, summary.get("succeeded").asInt());
        assertEquals(4, summary.get("workersLaunched").asInt(), summary.toString());
        assertEquals(4, summary.get("peakWorkers").asInt());
        List<Long> delays = Json.MAPPER.convertValue(summary.get("launchDelaysMs"), Json.MAPPER.getTypeFactory()
                .constructCollectionType(List.class, Long.class));
        assertEquals(4, delays.size());
        assertTrue(delays.stream().allMatch(d -> d <= 2000), "all launched within 2 s of the backlog: " + delays);
        assertTrue(summary.get("workerSeconds").asDouble() > 0);
        List<String> leftovers = ProcessHandle.current().descendants()
                .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains("-Ddrover.role=worker"))
                .collect(Collectors.toList());
        assertEquals(List.of(), leftovers, "every worker process is gone when run returns");
    }
}
