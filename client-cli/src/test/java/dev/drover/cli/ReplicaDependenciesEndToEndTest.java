package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ReplicaStore;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.service.EmbeddedAws;
import dev.drover.service.RemoteBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover submit --after} across replicas: two {@code drover scheduler -rw --replica} processes on local
 * AWS and a worker process. A job submitted to B after a job on A and one on B (B once answered "no such job")
 * stays on B, waits there while A's runs, and runs once both succeeded; one after a job of A that is then
 * cancelled is cancelled on B, naming it; one submitted to B after A's job only is placed on A.
 */
class ReplicaDependenciesEndToEndTest {
    static final Clock CLOCK = Clock.systemUTC();
    EmbeddedAws stack;
    ReplicaStore replicas;

    @TempDir
    Path dir;

    @BeforeEach
    void startLocalAws() {
        stack = new EmbeddedAws(Optional.empty());
        replicas = RemoteBackends.replicas(stack.aws, EmbeddedAws.resources(stack.emulators.endpoints())).orElseThrow();
    }

    @AfterEach
    void stopLocalAws() {
        stack.close();
    }

    @Test
    void aJobSubmittedToBAfterAJobOnAWaitsForItThenRuns() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        Path parentWork = Files.writeString(dir.resolve("parent.txt"), "sleep 3000\n".repeat(2));
        Path longWork = Files.writeString(dir.resolve("long.txt"), "sleep 600000\n");
        Path childWork = Files.writeString(dir.resolve("child.txt"), "echo after\n");
        try (DroverProcess a = DroverProcess.start(dir.resolve("a.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("a").toString());
             DroverProcess b = startSecond(env);
             ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(4, "60s"),
                     stack.emulators.endpoints().workerEnvironment(), dir.resolve("workers"), CLOCK)) {
            String aAddress = a.awaitListening();
            String bAddress = b.awaitListening();
            ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
            String parent = submit(client, aAddress, parentWork);
            String doomed = submit(client, aAddress, longWork);
            String parentB = submit(client, bAddress, childWork);
            Thread.sleep(2000); // B has read A's heartbeat: it knows where A answers

            // upstreams on both replicas: the job stays on B, and follows A's through the job store
            String child = submit(client, bAddress, childWork, "--after", parent + "," + parentB); // once "no such job"
            String cancelledChild = submit(client, bAddress, childWork, "--after", doomed + "," + parentB);
            // upstreams on A only: the submit to B is placed on A, which follows them from memory
            String placedChild = submit(client, bAddress, childWork, "--after", parent);
            assertEquals(owner(parentB), owner(child));
            assertEquals(owner(parentB), owner(cancelledChild));
            assertEquals(owner(parent), owner(placedChild), "placed with the job it waits on\nB's log:\n" + b.output());
            assertTrue(!owner(parent).equals(owner(parentB)));
            String admin = ServiceCredentials.of(client, aAddress).token().orElseThrow();
            SchedulerClient onA = new SchedulerClient(aAddress, admin);
            SchedulerClient onB = new SchedulerClient(bAddress, admin);
            Thread.sleep(1500);
            assertEquals(0, onB.job(child).dispatched(), "the child waits on B while nothing ran the parent");

            fleet.launch(1);
            ReplicaAnswersEndToEndTest.Run cancel = ReplicaAnswersEndToEndTest.drover(client, "cancel", doomed, "-s", aAddress);
            assertEquals(0, cancel.code(), cancel.out() + cancel.err());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (onB.job(child).finishedAt() == 0 || onB.job(cancelledChild).finishedAt() == 0
                    || onB.job(placedChild).finishedAt() == 0) {
                assertTrue(System.nanoTime() < deadline, "the jobs on B did not end\nB's log:\n" + b.output());
                Thread.sleep(200);
            }
            assertEquals(JobStatus.CANCELLED, onB.job(cancelledChild).state());
            assertEquals("dependency: job " + doomed + " was cancelled", onB.job(cancelledChild).cancelReason());

            ReplicaAnswersEndToEndTest.Run up = ReplicaAnswersEndToEndTest.drover(client, "results", parent, "-s", aAddress);
            ReplicaAnswersEndToEndTest.Run down = ReplicaAnswersEndToEndTest.drover(client, "results", child, "-s", bAddress);
            assertEquals(0, down.code(), down.err());
            List<TaskResult> parentResults = up.out().lines().map(Json::result).toList();
            List<TaskResult> childResults = down.out().lines().map(Json::result).toList();
            assertEquals(2, parentResults.size(), up.out());
            assertTrue(parentResults.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED), up.out());
            assertEquals(TaskStatus.SUCCEEDED, childResults.get(0).status(), down.out());
            long parentEnd = parentResults.stream().mapToLong(TaskResult::finishedAt).max().orElseThrow();
            assertTrue(childResults.get(0).startedAt() >= parentEnd, "the child started before the parent ended");
            ReplicaAnswersEndToEndTest.Run placed = ReplicaAnswersEndToEndTest.drover(client, "results", placedChild, "-s", bAddress);
            TaskResult placedResult = Json.result(placed.out().strip());
            assertEquals(TaskStatus.SUCCEEDED, placedResult.status(), placed.out());
            assertTrue(placedResult.startedAt() >= parentEnd, "the placed child started before the parent ended");
            assertEquals(JobStatus.DONE, onA.job(parent).state());
        }
    }

    private String owner(String jobId) {
        return replicas.owner(jobId).orElseThrow().replica();
    }

    private static String submit(ClientEnvironment client, String address, Path workload, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("submit", "-s", address, "-w", workload.toString()));
        args.addAll(List.of(more));
        ReplicaAnswersEndToEndTest.Run run = ReplicaAnswersEndToEndTest.drover(client, args.toArray(String[]::new));
        assertEquals(0, run.code(), "submit " + args + ": " + run.out() + run.err());
        return run.out().strip();
    }

    private DroverProcess startSecond(Map<String, String> env) throws Exception {
        Thread.sleep(3000); // the first start creates the admin; the second finds it in the shared users table
        return DroverProcess.start(dir.resolve("b.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("b").toString());
    }
}
