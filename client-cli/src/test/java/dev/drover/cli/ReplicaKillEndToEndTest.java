package dev.drover.cli;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.model.JobView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user would try: two {@code drover scheduler -rw --replica} processes on local AWS, 2,000
 * tasks submitted to A and followed through {@code -s A,B}, and A killed with SIGKILL mid-run. The
 * follow ends with every task succeeded once and exit 0, and B answers {@code status} and
 * {@code results} for the job A accepted. Prints the failover time: from the kill to the first task
 * the new owner dispatched (the earliest queuedAt after the kill).
 */
class ReplicaKillEndToEndTest {
    static final Clock CLOCK = LocalAwsStack.CLOCK;
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run drover(ClientEnvironment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void killNineOfTheOwningReplicaMidRunLosesNothingAndRepeatsNothing() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.aws.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        Path workload = Files.writeString(dir.resolve("w.txt"), "sleep 40\n".repeat(2000));
        try (DroverProcess a = DroverProcess.start(dir.resolve("a.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("a").toString());
             DroverProcess b = startSecond(env);
             ProcessFleetLauncher fleet = stack.launcher(dir, 4, "60s", Map.of())) {
            String aAddress = a.awaitListening();
            String bAddress = b.awaitListening();
            fleet.launch(2);
            ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
            Path summary = dir.resolve("summary.json");
            CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> drover(client, "submit", "-s",
                    aAddress + "," + bAddress, "-w", workload.toString(), "--wait", "-q", "--json", summary.toString()));

            SchedulerClient onA = new SchedulerClient(aAddress, ServiceCredentials.of(client, aAddress).token().orElseThrow());
            String jobId = null;
            long succeeded = 0;
            while (succeeded < 300) {
                assertTrue(!follow.isDone(), "the follow ended before the kill: " + (follow.isDone() ? follow.get() : ""));
                for (JobView j : onA.jobs()) {
                    jobId = j.jobId();
                    succeeded = j.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L);
                }
                Thread.sleep(50);
            }
            long killedAt = CLOCK.millis();
            a.process.toHandle().destroyForcibly(); // SIGKILL
            a.process.waitFor(10, TimeUnit.SECONDS);
            System.out.printf("replica A killed with %d of 2000 tasks succeeded%n", succeeded);

            Run run = follow.get(180, TimeUnit.SECONDS);
            assertEquals(0, run.code(), run.out() + run.err() + "\nB's log:\n" + b.output());
            JsonNode s = Json.MAPPER.readTree(summary.toFile());
            assertEquals(jobId, s.get("jobId").asText());
            assertEquals(2000, s.get("tasks").asLong(), s.toString());
            assertEquals(2000, s.get("succeeded").asLong(), s.toString());

            Run status = drover(client, "status", jobId, "-s", bAddress, "--json");
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("\"SUCCEEDED\" : 2000") || status.out().contains("\"SUCCEEDED\":2000"), status.out());
            Run results = drover(client, "results", jobId, "-s", bAddress);
            assertEquals(0, results.code(), results.err());
            List<TaskResult> all = results.out().lines().map(Json::result).toList();
            assertEquals(2000, all.size());
            assertEquals(2000, all.stream().map(TaskResult::seq).distinct().count(), "each task once");
            assertTrue(all.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED));
            long firstByB = all.stream().mapToLong(TaskResult::queuedAt).filter(q -> q > killedAt).min().orElseThrow();
            System.out.printf("failover: kill -9 of A to the first task dispatched by B: %d ms; follow ended with %d of 2000"
                    + " succeeded, exit 0%n", firstByB - killedAt, s.get("succeeded").asLong());
            assertTrue(firstByB - killedAt < 10_000, "B dispatched within 10 s of the kill: " + (firstByB - killedAt) + " ms");
        }
    }

    private DroverProcess startSecond(Map<String, String> env) throws Exception {
        Thread.sleep(3000); // the first start creates the admin; the second finds it in the shared users table
        return DroverProcess.start(dir.resolve("b.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("b").toString());
    }
}
