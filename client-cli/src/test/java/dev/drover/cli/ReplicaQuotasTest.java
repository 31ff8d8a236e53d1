package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ReplicaStore;
import dev.drover.core.port.User;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.replica.ReplicaNode;
import dev.drover.scheduler.replica.ReplicaTiming;
import dev.drover.service.EmbeddedAws;
import dev.drover.service.RemoteBackends;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-user quotas across two scheduler replicas on local AWS (DynamoDB, SQS and S3 emulators, worker
 * processes): a user's running-task quota holds over both together, not per replica, and so does the
 * queued-task quota once a heartbeat has carried the other replica's standing.
 */
class ReplicaQuotasTest {
    static final Clock CLOCK = Clock.systemUTC();
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    Scheduler replica(String name, String id, Quotas quotas) throws Exception {
        return new Scheduler(SchedulerConfig.defaults(dir.resolve(name), 8).withQuotas(quotas), stack.aws.backend, CLOCK)
                .asReplica(id).start();
    }

    ReplicaStore store() {
        return RemoteBackends.replicas(stack.aws.aws, EmbeddedAws.resources(stack.aws.emulators.endpoints())).orElseThrow();
    }

    static String submit(Scheduler s, String workload, String user) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", user).jobId();
    }

    /** Two workers of 4 threads could run 8 at once; ann may run 3, and her jobs on A and on B together never run more. */
    @Test
    void aUsersRunningQuotaHoldsOverBothReplicasTogether() throws Exception {
        int quota = 3;
        Path log = dir.resolve("running.log");
        Files.createFile(log);
        Map<String, String> env = new HashMap<>(stack.aws.emulators.endpoints().workerEnvironment());
        String aId = ReplicaNode.newId();
        String bId = ReplicaNode.newId();
        Quotas quotas = new Quotas(Quotas.DEFAULT_MAX_QUEUED_TASKS, quota);
        try (ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(4, "60s"), env, dir.resolve("workers"), CLOCK);
             Scheduler a = replica("a", aId, quotas);
             Scheduler b = replica("b", bId, quotas);
             ReplicaNode aNode = new ReplicaNode(store(), a, aId, "127.0.0.1:1", ReplicaTiming.LOCAL, CLOCK).start();
             ReplicaNode bNode = new ReplicaNode(store(), b, bId, "127.0.0.1:2", ReplicaTiming.LOCAL, CLOCK).start()) {
            fleet.launch(2);
            // each task logs its start and end (ns): how many ran at once is read back from the log
            String task = "echo \"+ $(date +%s%N)\" >> " + log + "; /bin/sleep 0.4; echo \"- $(date +%s%N)\" >> " + log + "\n";
            String onA = submit(a, task.repeat(12), "ann");
            String onB = submit(b, task.repeat(12), "ann");
            LocalAwsStack.awaitDone(a, onA, 120);
            LocalAwsStack.awaitDone(b, onB, 120);
            assertEquals(12, a.status(onA).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
            assertEquals(12, b.status(onB).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
            List<long[]> events = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                events.add(new long[] {Long.parseLong(line.substring(2)), line.charAt(0) == '+' ? 1 : -1});
            }
            events.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1])); // ends first at a tie
            long now = 0;
            long most = 0;
            for (long[] e : events) {
                now += e[1];
                most = Math.max(most, now);
            }
            System.out.printf("running quota %d over two replicas: at most %d of ann's tasks ran at once%n", quota, most);
            assertEquals(48, events.size(), "24 tasks, each started and ended once");
            assertTrue(most <= quota, "at most " + quota + " at once over both replicas, not " + most);
            assertTrue(most >= 2, "the quota was used, not starved: " + most);
        }
    }

    /**
     * ann's monthly budget of $0.40 is spent by her job on A ($0.50 of EC2 given it, as the fleet's leader
     * would): B, which has nothing of hers, refuses her next job once A's beat has carried her spend.
     */
    @Test
    void aUsersMonthlyBudgetCountsWhatHerJobsSpentOnTheOtherReplica() throws Exception {
        String aId = ReplicaNode.newId();
        String bId = ReplicaNode.newId();
        User ann = new User("ann", false, 0, 1, 0.40);
        try (Scheduler a = replica("a", aId, Quotas.defaults());
             Scheduler b = replica("b", bId, Quotas.defaults());
             Billing bBilling = new Billing(b, Map::of, () -> List.of(ann), CLOCK, Billing.DEFAULT_EVERY);
             ReplicaNode aNode = new ReplicaNode(store(), a, aId, "127.0.0.1:1", ReplicaTiming.LOCAL, CLOCK).start();
             ReplicaNode bNode = new ReplicaNode(store(), b, bId, "127.0.0.1:2", ReplicaTiming.LOCAL, CLOCK).start()) {
            String onA = submit(a, "sleep 60\n".repeat(4), "ann"); // no workers: sent, never run
            bBilling.admit(ann); // nothing spent yet
            a.job(onA).orElseThrow().cost().chargeEc2(60, 0.50);
            long deadline = System.currentTimeMillis() + 10_000;
            while (b.acrossReplicas().elsewhere("ann").monthUsd() < 0.5 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0.50, b.acrossReplicas().elsewhere("ann").monthUsd(), 1e-3, "B sees ann's spend on A");
            Quotas.Exceeded refused = assertThrows(Quotas.Exceeded.class, () -> bBilling.admit(ann));
            assertTrue(refused.getMessage().contains("monthly budget"), refused.getMessage());
            a.cancel(onA);
        }
    }

    /** ann may have 10 tasks queued: 6 on A leave 4, so 6 more on B are refused once B has read A's beat. */
    @Test
    void aUsersQueuedQuotaCountsTheOtherReplicasTasks() throws Exception {
        String aId = ReplicaNode.newId();
        String bId = ReplicaNode.newId();
        Quotas quotas = new Quotas(10, Quotas.DEFAULT_MAX_RUNNING_TASKS);
        try (Scheduler a = replica("a", aId, quotas);
             Scheduler b = replica("b", bId, quotas);
             ReplicaNode aNode = new ReplicaNode(store(), a, aId, "127.0.0.1:1", ReplicaTiming.LOCAL, CLOCK).start();
             ReplicaNode bNode = new ReplicaNode(store(), b, bId, "127.0.0.1:2", ReplicaTiming.LOCAL, CLOCK).start()) {
            String onA = submit(a, "sleep 60\n".repeat(6), "ann"); // no workers: its tasks stay queued
            long deadline = System.currentTimeMillis() + 10_000;
            while (b.acrossReplicas().elsewhere("ann").queued() < 6 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(6, b.acrossReplicas().elsewhere("ann").queued(), "B sees A's 6 through A's heartbeat");
            Quotas.Exceeded refused = assertThrows(Quotas.Exceeded.class, () -> submit(b, "sleep 60\n".repeat(6), "ann"));
            assertTrue(refused.getMessage().contains("quota of 10"), refused.getMessage());
            String fits = submit(b, "sleep 60\n".repeat(4), "ann");
            String bobs = submit(b, "sleep 60\n".repeat(6), "bob");
            a.cancel(onA);
            b.cancel(fits);
            b.cancel(bobs);
        }
    }
}
