package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.model.JobView;
import dev.drover.service.EmbeddedAws;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-stage workload (prep, 6 maps reading prep's output, a reduce summing theirs) and an
 * independent line, on a {@code drover scheduler -rw} process and worker processes on local AWS.
 * The scheduler is killed with SIGKILL twice and started again on its data: while prep runs (the
 * maps are held, the independent line already went), and between stages (prep succeeded). Every
 * stage ends, every task succeeds, and each task ran exactly once (marks the tasks leave).
 */
class SchedulerKillBetweenStagesTest {
    static EmbeddedAws stack;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLocalAws() {
        stack = new EmbeddedAws(Optional.empty());
    }

    @AfterAll
    static void stopLocalAws() {
        stack.close();
    }

    @Test
    void killNineOfTheSchedulerWhileAStageWaitsAndBetweenStagesEndsEveryStageRunningNothingTwice() throws Exception {
        Path marks = Files.createDirectories(dir.resolve("marks"));
        String mark = "echo >> " + marks + "/$(echo $DROVER_TASK_ID | tr / -); ";
        Path workload = Files.writeString(dir.resolve("w.txt"), "@name prep\n"
                + mark + "/bin/sleep 4; echo 5 > $DROVER_OUTPUT_DIR/n\n"
                + "@replicas 6\n@after prep\n@name map\n"
                + mark + "/bin/sleep 2; echo $(( $(cat $DROVER_INPUT_DIR/prep/0/n) + $DROVER_REPLICA )) > $DROVER_OUTPUT_DIR/v\n"
                + "@replicas 1\n@after map\n"
                + mark + "cat $DROVER_INPUT_DIR/map/*/v | awk '{s+=$1} END {print s}'\n"
                + "@after none\n" + mark + "echo free\n");
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] schedulerArgs = {"scheduler", "-rw", "-s", Integer.toString(port), "--data", dir.resolve("data").toString()};
        ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
        DroverProcess scheduler = DroverProcess.start(dir.resolve("s1.log"), env, schedulerArgs);
        try (ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(2, "60s"),
                stack.emulators.endpoints().workerEnvironment(), dir.resolve("workers"), ReplicaKillEndToEndTest.CLOCK)) {
            String address = scheduler.awaitListening();
            fleet.launch(2);
            ReplicaKillEndToEndTest.Run submit = ReplicaKillEndToEndTest.drover(client, "submit", "-s", address, "-w", workload.toString());
            assertEquals(0, submit.code(), submit.out() + submit.err());
            String jobId = submit.out().strip();
            SchedulerClient api = new SchedulerClient(address, ServiceCredentials.of(client, address).token().orElseThrow());

            awaitJob(api, jobId, j -> j.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L) >= 1); // the free line, not prep
            assertTrue(!api.task(jobId, 0).status().isFinal(), "prep still runs when the free line has ended");
            scheduler = restart(scheduler, env, schedulerArgs, "s2.log");
            awaitJob(api, jobId, j -> api.task(jobId, 0).status() == TaskStatus.SUCCEEDED);
            scheduler = restart(scheduler, env, schedulerArgs, "s3.log"); // between stages: prep done, maps going
            JobView done = awaitJob(api, jobId, j -> j.finishedAt() > 0);
            assertEquals(9L, done.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L), done.toString());

            ReplicaKillEndToEndTest.Run results = ReplicaKillEndToEndTest.drover(client, "results", jobId, "-s", address);
            List<TaskResult> all = results.out().lines().map(Json::result).sorted(Comparator.comparingLong(TaskResult::seq)).toList();
            assertEquals(9, all.size(), results.out());
            all.forEach(r -> assertEquals(TaskStatus.SUCCEEDED, r.status(), r.toString()));
            assertEquals("45\n", all.get(7).stdout(), "5+0 + 5+1 + … + 5+5");
            long mapsEnd = all.subList(1, 7).stream().mapToLong(TaskResult::finishedAt).max().orElseThrow();
            assertTrue(all.get(7).startedAt() >= mapsEnd, "the reduce started after the last map ended");
            all.subList(1, 7).forEach(m -> assertTrue(m.startedAt() >= all.get(0).finishedAt(), "a map started before prep ended"));
        } finally {
            scheduler.close();
        }
        try (Stream<Path> m = Files.list(marks)) {
            List<Path> each = m.toList();
            assertEquals(9, each.size(), "every task ran: " + each);
            for (Path p : each) {
                assertEquals(1, Files.readAllLines(p).size(), p.getFileName() + " ran more than once");
            }
        }
    }

    /** SIGKILL, then the same command on the same data and port. */
    private DroverProcess restart(DroverProcess scheduler, Map<String, String> env, String[] args, String log) throws Exception {
        scheduler.process.toHandle().destroyForcibly();
        assertTrue(scheduler.process.waitFor(10, TimeUnit.SECONDS));
        DroverProcess next = DroverProcess.start(dir.resolve(log), env, args);
        next.awaitListening();
        return next;
    }

    private interface Check {
        boolean test(JobView job) throws Exception;
    }

    private static JobView awaitJob(SchedulerClient api, String jobId, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                JobView j = api.job(jobId);
                if (check.test(j)) {
                    return j;
                }
            } catch (java.io.IOException e) {
                // restarting
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting on job " + jobId);
            Thread.sleep(50);
        }
    }
}
