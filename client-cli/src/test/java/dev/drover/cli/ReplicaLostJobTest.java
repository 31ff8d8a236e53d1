package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.JobStatus;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.replica.ReplicaNode;
import dev.drover.scheduler.replica.ReplicaTiming;
import dev.drover.service.EmbeddedAws;
import dev.drover.service.RemoteBackends;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica cut off from DynamoDB for longer than its lease, whose job another replica took meanwhile,
 * learns so when it beats again, even with nothing of its own left to write for the job (every task
 * sent, no result to record): it drops the job, and a client following it there is let go.
 */
class ReplicaLostJobTest {
    static final Clock CLOCK = LocalAwsStack.CLOCK;
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    Scheduler replica(String name, String id) throws Exception {
        return new Scheduler(SchedulerConfig.defaults(dir.resolve(name), 4), stack.aws.backend, CLOCK).asReplica(id).start();
    }

    @Test
    void aReplicaBackFromAPartitionDropsTheJobTakenFromItAndEndsItsFollows() throws Exception {
        ReplicaStore dynamo = RemoteBackends.replicas(stack.aws.aws, EmbeddedAws.resources(stack.aws.emulators.endpoints())).orElseThrow();
        ReplicaFailoverTest.Cuttable aStore = new ReplicaFailoverTest.Cuttable(dynamo);
        List<ReplicaNode.Takeover> taken = new CopyOnWriteArrayList<>();
        String aId = ReplicaNode.newId();
        String bId = ReplicaNode.newId();
        try (Scheduler a = replica("a", aId);
             Scheduler b = replica("b", bId);
             ReplicaNode aNode = new ReplicaNode(aStore, a, aId, "127.0.0.1:1", ReplicaTiming.LOCAL, CLOCK).start();
             ReplicaNode bNode = new ReplicaNode(dynamo, b, bId, "127.0.0.1:2", ReplicaTiming.LOCAL, CLOCK)
                     .onTakeover(taken::add).start()) {
            String jobId = LocalAwsStack.submit(a, "sleep 1\n".repeat(4)); // no workers: every task sent, none run
            while (a.status(jobId).orElseThrow().dispatched() < 4) {
                Thread.sleep(20);
            }
            CompletableFuture<Boolean> follow = CompletableFuture.supplyAsync(() -> {
                try {
                    return a.streamResults(jobId, new ByteArrayOutputStream(), true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            aStore.cut = true;
            long deadline = System.currentTimeMillis() + 30_000;
            while (taken.stream().noneMatch(t -> t.jobId().equals(jobId)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(taken.stream().anyMatch(t -> t.jobId().equals(jobId)), "B took A's job");
            b.cancel(jobId); // B ends it: nothing A could write for it is left
            aStore.cut = false;
            deadline = System.currentTimeMillis() + 10_000;
            while (!aNode.mayDispatch() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(aNode.mayDispatch(), "A beats again");
            long backAt = CLOCK.millis();
            deadline = System.currentTimeMillis() + 15_000;
            while (a.liveJobs() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            System.out.printf("lost job: A dropped it %d ms after it beat again%n", CLOCK.millis() - backAt);
            assertEquals(0, a.liveJobs(), "A dropped the job B owns");
            assertEquals(JobStatus.CANCELLED, a.status(jobId).orElseThrow().state(), "A answers from the store: B's end");
            assertTrue(follow.get(10, TimeUnit.SECONDS), "the follow on A ended");
        }
    }
}
