package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.UsageMeter;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.UnfencedJobStore;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code submit --after} across scheduler replicas: two or three replicas on one job store and one pair of
 * queues, with real workers. A job may wait on a job another replica owns, whether the user submitted it
 * there or a takeover split the two; the other replica's job is followed through the shared store.
 */
class ReplicaJobWaitsTest extends DependencyFixture {
    /** The shared store, counting its reads of job records; it takes the replicas' writes without their fences. */
    final UnfencedJobStore shared = new UnfencedJobStore(new InMemoryJobStore());


    Scheduler replica(String id) throws Exception {
        Backend backend = new Backend(requests, responses, Optional.empty(), claims, payloads, Optional.of(shared), UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir.resolve(id), 4), backend, clock).asReplica(id).start();
        open.add(s);
        return s;
    }

    static String submit(Scheduler s, String owner, String workload, List<String> after) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", owner, null, 0, null, after)
                .jobId();
    }

    @Test
    void aJobMayWaitOnItsOwnersJobOnAnotherReplicaAndGoesOnceThatOneSucceeded() throws Exception {
        Scheduler a = replica("r-a");
        Scheduler b = replica("r-b");
        String parent = submit(a, "ann", "sleep 1500\n", List.of());
        String child = submit(b, "ann", "echo next\n", List.of(parent)); // refused "no such job" before
        WorkloadException bobs = assertThrows(WorkloadException.class, () -> submit(b, "bob", "echo x\n", List.of(parent)));
        assertEquals("--after " + parent + ": no such job", bobs.reason(), "another user's job is as good as unknown");
        assertThrows(WorkloadException.class, () -> submit(b, "ann", "echo x\n", List.of("jnosuch")));

        long before = shared.gets().get();
        Thread.sleep(3000);
        long reads = shared.gets().get() - before;
        assertTrue(reads >= 1 && reads <= 5, "about one read of the parent a second while the child waits: " + reads);
        assertEquals(0, b.status(child).orElseThrow().dispatched(), "still waiting: no worker ran the parent yet");

        workers(1);
        List<TaskResult> up = done(a, parent);
        List<TaskResult> down = done(b, child); // never released before: nobody told B the parent ended
        assertEquals(TaskStatus.SUCCEEDED, down.get(0).status());
        assertTrue(down.get(0).startedAt() >= up.get(0).finishedAt(), "the child started before the parent ended");
        long after = shared.gets().get();
        Thread.sleep(2500);
        assertTrue(shared.gets().get() - after <= 1, "nothing waits any more: no more reads");
    }

    @Test
    void aJobWaitingOnAnotherReplicasJobIsCancelledWhenThatOneIsCancelled() throws Exception {
        Scheduler a = replica("r-a");
        Scheduler b = replica("r-b");
        String parent = submit(a, "ann", "sleep 100000\n", List.of());
        String child = submit(b, "ann", "echo never\n", List.of(parent));
        a.cancel(parent);
        await(() -> b.job(child).orElseThrow().cancelled());
        assertEquals("dependency: job " + parent + " was cancelled", b.status(child).orElseThrow().cancelReason());
        assertEquals(0, b.status(child).orElseThrow().dispatched(), "nothing of it was sent");
    }

    @Test
    void aJobWaitingOnALocalJobReadsNothingFromTheStore() throws Exception {
        Scheduler a = replica("r-a");
        replica("r-b");
        String parent = submit(a, "ann", "sleep 100000\n", List.of());
        long before = shared.gets().get();
        String child = submit(a, "ann", "echo never\n", List.of(parent));
        Thread.sleep(2500);
        assertEquals(before, shared.gets().get(), "the parent is in A's own table");
        assertEquals(JobStatus.SUBMITTED, a.status(child).orElseThrow().state());
    }

    @Test
    void afterATakeoverThatSplitsParentAndChildTheChildStillWaitsAndThenRuns() throws Exception {
        Scheduler a = replica("r-a");
        String parent = submit(a, "ann", "sleep 500\n", List.of());
        String child = submit(a, "ann", "echo after\n", List.of(parent));
        a.close(); // A dies; B takes the child, C the parent
        open.remove(a);
        Scheduler b = replica("r-b");
        Scheduler c = replica("r-c");
        b.adopt(child, new Fence("r-b", 2));
        Thread.sleep(1500);
        assertTrue(!b.job(child).orElseThrow().cancelled(), "cancelled on B: " + b.status(child).orElseThrow().cancelReason());
        c.adopt(parent, new Fence("r-c", 2));
        workers(1);
        List<TaskResult> up = done(c, parent);
        List<TaskResult> down = done(b, child);
        assertEquals(TaskStatus.SUCCEEDED, down.get(0).status(), String.valueOf(b.status(child).orElseThrow().cancelReason()));
        assertTrue(down.get(0).startedAt() >= up.get(0).finishedAt());
    }

    @Test
    void aJobWaitingOnAnotherReplicasJobThatIsGoneIsCancelledAsGone() throws Exception {
        Scheduler a = replica("r-a");
        Scheduler b = replica("r-b");
        String parent = submit(a, "ann", "sleep 100000\n", List.of());
        String child = submit(b, "ann", "echo never\n", List.of(parent));
        a.close(); // so that none of A's saves writes the parent's record again
        open.remove(a);
        shared.delete(parent); // as retention would, long after its end
        await(() -> b.job(child).orElseThrow().cancelled());
        assertEquals("dependency: job " + parent + " is gone", b.status(child).orElseThrow().cancelReason());
    }
}
