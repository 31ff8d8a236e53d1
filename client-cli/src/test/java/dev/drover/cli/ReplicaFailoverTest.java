package dev.drover.cli;

import dev.drover.service.EmbeddedAws;
import dev.drover.service.RemoteBackends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ReplicaStore;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.replica.ReplicaNode;
import dev.drover.scheduler.replica.ReplicaTiming;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduler replicas on local AWS (DynamoDB, SQS and S3 emulators, worker processes): one that
 * can no longer write its heartbeat stops dispatching, the other takes its job by a fenced write
 * within the lease and finishes it, and when the first comes back its first write for the job is
 * refused and it lets go, with no task run twice.
 */
class ReplicaFailoverTest {
    static final Clock CLOCK = LocalAwsStack.CLOCK;
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    /** A replica store whose heartbeats fail while {@link #cut}: the replica's DynamoDB traffic stalled. */
    static class Cuttable implements ReplicaStore {
        final ReplicaStore store;
        volatile boolean cut;

        Cuttable(ReplicaStore store) {
            this.store = store;
        }

        private void check() {
            if (cut) {
                throw new IllegalStateException("partitioned (test)");
            }
        }

        @Override
        public void beat(Beat beat) {
            check();
            store.beat(beat);
        }

        @Override
        public void leave(String replica) {
            check();
            store.leave(replica);
        }

        @Override
        public List<Beat> replicas() {
            check();
            return store.replicas();
        }

        @Override
        public List<Owner> unfinished() {
            check();
            return store.unfinished();
        }

        @Override
        public Optional<Owner> owner(String jobId) {
            check();
            return store.owner(jobId);
        }

        @Override
        public boolean take(String jobId, String replica, long seen) {
            check();
            return store.take(jobId, replica, seen);
        }

        @Override
        public boolean lead(String name, String replica, Optional<String> staleHolder) {
            check();
            return store.lead(name, replica, staleHolder);
        }

        @Override
        public Optional<String> leader(String name) {
            check();
            return store.leader(name);
        }
    }

    /**
     * A replica store whose scan of the unfinished jobs stalls this replica's DynamoDB traffic for {@code stall}
     * (as a loaded emulator, or a throttled table, may): its heartbeats fail while the scan runs.
     */
    static final class SlowScan extends Cuttable {
        final Duration stall;
        final AtomicInteger scans = new AtomicInteger();

        SlowScan(ReplicaStore store, Duration stall) {
            super(store);
            this.stall = stall;
        }

        @Override
        public List<Owner> unfinished() {
            scans.incrementAndGet();
            cut = true;
            try {
                Thread.sleep(stall.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                cut = false;
            }
            return store.unfinished();
        }
    }

    /**
     * The race behind a takeover that never came: a scan of the unfinished jobs that takes longer than the lease
     * less the margin, while the replica's own heartbeats wait behind it, made the taker judge its own lease in
     * doubt when the scan returned and skip the gone replica's job, silently, at every scan.
     */
    @Test
    void aScanSlowerThanTheLeaseLessTheMarginStillTakesTheGoneReplicasJob() throws Exception {
        ReplicaStore dynamo = RemoteBackends.replicas(stack.aws.aws, EmbeddedAws.resources(stack.aws.emulators.endpoints())).orElseThrow();
        Cuttable aStore = new Cuttable(dynamo);
        ReplicaTiming timing = ReplicaTiming.LOCAL;
        SlowScan bStore = new SlowScan(dynamo, timing.lease().minus(timing.margin()).plusMillis(500));
        List<ReplicaNode.Takeover> taken = new CopyOnWriteArrayList<>();
        String aId = ReplicaNode.newId();
        String bId = ReplicaNode.newId();
        try (Scheduler a = replica("a", aId);
             Scheduler b = replica("b", bId);
             ReplicaNode aNode = new ReplicaNode(aStore, a, aId, "127.0.0.1:1", timing, CLOCK).start();
             ReplicaNode bNode = new ReplicaNode(bStore, b, bId, "127.0.0.1:2", timing, CLOCK).onTakeover(taken::add).start()) {
            String jobId = LocalAwsStack.submit(a, "sleep 1\n".repeat(20)); // no workers: its tasks wait on the queue
            aStore.cut = true;
            int scansAtCut = bStore.scans.get();
            long deadline = System.currentTimeMillis() + 30_000;
            while (taken.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(List.of(jobId), taken.stream().map(ReplicaNode.Takeover::jobId).toList(),
                    "B took A's job despite scans of " + bStore.stall.toMillis() + " ms (" + (bStore.scans.get() - scansAtCut) + " scans)");
            b.cancel(jobId);
        }
    }

    /**
     * A replica's scheduler without the service's own replica node: the test runs the node itself, on a
     * replica store it can cut.
     */
    Scheduler replica(String name, String id) throws Exception {
        return new Scheduler(SchedulerConfig.defaults(dir.resolve(name), 4), stack.aws.backend, CLOCK).asReplica(id).start();
    }

    /** The key's tie is in DynamoDB: a submit retried on replica B answers the job A made, and B queues nothing. */
    @Test
    void aSubmitRetriedOnAnotherReplicaWithItsKeyAnswersTheFirstReplicasJob() throws Exception {
        try (Scheduler a = replica("a", ReplicaNode.newId()); Scheduler b = replica("b", ReplicaNode.newId())) {
            String key = SchedulerClient.idempotencyKey();
            var made = a.submit(new ByteArrayInputStream("sleep 1\nsleep 1\n".getBytes()), "w", "ann", null, 0, null,
                    List.of(), key);
            var again = b.submit(new ByteArrayInputStream("sleep 1\nsleep 1\n".getBytes()), "w", "ann", null, 0, null,
                    List.of(), key);
            assertTrue(made.created());
            assertEquals(false, again.created());
            assertEquals(made.job().jobId(), again.job().jobId());
            assertEquals(2, again.job().total(), "read from the job's record");
            // (B lists the ended jobs of other tests on this stack, read back at its start: ann has none)
            assertEquals(List.of(), b.list().stream().filter(j -> j.owner().equals("ann")).toList(), "B queued nothing");
            var bobs = b.submit(new ByteArrayInputStream("sleep 1\n".getBytes()), "w", "bob", null, 0, null, List.of(), key);
            assertTrue(bobs.created(), "another user's key is another key");
            a.cancel(made.job().jobId());
            b.cancel(bobs.job().jobId());
        }
    }

    @Test
    void aReplicaThatCannotBeatStopsTheOtherTakesItsJobAndNoTaskRunsTwice() throws Exception {
        Path runs = dir.resolve("runs.txt");
        Files.createFile(runs);
        ReplicaStore dynamo = RemoteBackends.replicas(stack.aws.aws, EmbeddedAws.resources(stack.aws.emulators.endpoints())).orElseThrow();
        Cuttable aStore = new Cuttable(dynamo);
        List<ReplicaNode.Takeover> taken = new CopyOnWriteArrayList<>();
        String aId = ReplicaNode.newId();
        String bId = ReplicaNode.newId();
        try (ProcessFleetLauncher fleet = stack.launcher(dir, 2, "60s", Map.of());
             Scheduler a = replica("a", aId);
             Scheduler b = replica("b", bId);
             ReplicaNode aNode = new ReplicaNode(aStore, a, aId, "127.0.0.1:1", ReplicaTiming.LOCAL, CLOCK).start();
             ReplicaNode bNode = new ReplicaNode(dynamo, b, bId, "127.0.0.1:2", ReplicaTiming.LOCAL, CLOCK)
                     .onTakeover(taken::add).start()) {
            fleet.launch(2);
            String workload = ("echo $DROVER_TASK_ID >> " + runs + "; /bin/sleep 0.05\n").repeat(400);
            String jobId = LocalAwsStack.submit(a, workload);
            while (a.status(jobId).orElseThrow().counts().get(TaskStatus.SUCCEEDED) < 40) {
                Thread.sleep(20);
            }
            assertTrue(aNode.leadsFleet() ^ bNode.leadsFleet(), "one replica runs the fleet provisioner");
            long cutAt = CLOCK.millis();
            aStore.cut = true;
            Thread.sleep(ReplicaTiming.LOCAL.lease().minus(ReplicaTiming.LOCAL.margin()).toMillis());
            assertTrue(!aNode.mayDispatch(), "the cut replica stops dispatching within the lease less the margin");
            long deadline = System.currentTimeMillis() + 20_000;
            // (only this job counts: a job another test left on this stack may be taken too)
            while (taken.stream().noneMatch(t -> t.jobId().equals(jobId)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            taken.removeIf(t -> !t.jobId().equals(jobId));
            assertEquals(1, taken.size(), "B took A's job: " + taken);
            assertTrue(bNode.leadsFleet() && !aNode.leadsFleet(), "the fleet's lease is B's once A is judged gone");
            LocalAwsStack.awaitDone(b, jobId, 120);
            System.out.printf("replica partition: job done on B %d ms after the cut; %s%n", CLOCK.millis() - cutAt,
                    b.status(jobId).orElseThrow().counts());
            ReplicaNode.Takeover t = taken.get(0);
            assertEquals(jobId, t.jobId());
            assertEquals(aId, t.from());
            assertEquals(2, t.epoch());
            long takeoverMs = t.at() - cutAt;
            System.out.printf("replica partition: job taken %d ms after the heartbeat was cut (lease %s)%n", takeoverMs,
                    ReplicaTiming.LOCAL.lease());
            assertTrue(takeoverMs < 10_000, "taken within 10 s: " + takeoverMs + " ms");

            List<TaskResult> results = LocalAwsStack.results(b, jobId);
            results.stream().sorted(Comparator.comparingLong(TaskResult::finishedAt).reversed()).limit(3)
                    .forEach(r -> System.out.printf("last: seq %d queued %+d started %+d finished %+d ms after the cut, worker %s, attempts %d%n",
                            r.seq(), r.queuedAt() - cutAt, r.startedAt() - cutAt, r.finishedAt() - cutAt, r.worker(), r.attempts()));
            assertEquals(400, results.size());
            assertEquals(400, results.stream().map(TaskResult::seq).distinct().count());
            assertTrue(results.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED));
            assertEquals(400, b.status(jobId).orElseThrow().counts().get(TaskStatus.SUCCEEDED));

            // A comes back: its first write for the job is refused, and it stops acting on the job
            aStore.cut = false;
            long until = System.currentTimeMillis() + 15_000;
            while (a.liveJobs() > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            Thread.sleep(2000);
            Map<String, Long> perTask = Files.readAllLines(runs).stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(400, perTask.size(), "every task ran");
            assertEquals(Map.of(), perTask.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "no task ran twice");
            assertTrue(a.liveJobs() == 0 || a.status(jobId).isEmpty(), "the fenced-out replica let the job go");
        }
    }
}
