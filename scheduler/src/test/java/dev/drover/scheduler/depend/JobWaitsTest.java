package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.Scheduler;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code submit --after}: a job that waits on other jobs, with real workers. */
class JobWaitsTest extends DependencyFixture {
    static String submitAfter(Scheduler s, String workload, List<String> after) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "ann", null, 0, null, after)
                .jobId();
    }

    @Test
    void aJobAfterAnotherStartsOnlyOnceThatOneSucceeded() throws Exception {
        Scheduler s = start();
        workers(2);
        String first = submit(s, "sleep 300\nsleep 300\n");
        String second = submitAfter(s, "echo next\n", List.of(first));
        List<TaskResult> a = done(s, first);
        List<TaskResult> b = done(s, second);
        long firstEnd = a.stream().mapToLong(TaskResult::finishedAt).max().orElseThrow();
        assertEquals(TaskStatus.SUCCEEDED, b.get(0).status());
        assertTrue(b.get(0).startedAt() >= firstEnd, "the second job started before the first ended");
    }

    @Test
    void aJobAfterOneThatFailsIsCancelledNamingIt() throws Exception {
        Scheduler s = start();
        workers(1);
        String first = submit(s, "exit 2\necho fine\n");
        String second = submitAfter(s, "echo never\necho never\n", List.of(first));
        done(s, first);
        List<TaskResult> b = done(s, second);
        assertEquals(JobStatus.CANCELLED, s.status(second).orElseThrow().state());
        b.forEach(r -> assertEquals(TaskStatus.CANCELLED, r.status()));
        assertEquals("dependency: job " + first + " ended with 1 task not succeeded", b.get(0).error());
    }

    @Test
    void aJobAfterOneThatIsCancelledIsCancelledToo() throws Exception {
        Scheduler s = start();
        String first = submit(s, "sleep 100000\n");
        String second = submitAfter(s, "echo never\n", List.of(first));
        String third = submitAfter(s, "echo never\n", List.of(second));
        s.cancel(first);
        done(s, third);
        assertEquals("dependency: job " + second + " was cancelled", s.status(third).orElseThrow().cancelReason());
        assertEquals(0, s.status(second).orElseThrow().dispatched(), "nothing of it was sent");
    }

    @Test
    void anUnknownJobIsRefusedAndNothingIsQueued() throws Exception {
        Scheduler s = start();
        WorkloadException e = assertThrows(WorkloadException.class, () -> submitAfter(s, "echo x\n", List.of("jnosuch")));
        assertEquals("--after jnosuch: no such job", e.reason());
        assertTrue(s.list().isEmpty());
        String bobs = s.submit(new ByteArrayInputStream("echo b\n".getBytes(StandardCharsets.UTF_8)), "w.txt", "bob").jobId();
        WorkloadException other = assertThrows(WorkloadException.class, () -> submitAfter(s, "echo x\n", List.of(bobs)));
        assertEquals("--after " + bobs + ": no such job", other.reason(), "another user's job is not one to wait on");
    }

    @Test
    void aRestartedSchedulerKeepsTheJobWaitingAndThenRunsIt() throws Exception {
        Scheduler s = start();
        String first = submit(s, "sleep 200\n");
        String second = submitAfter(s, "echo after\n", List.of(first));
        s.close();
        open.remove(s);
        Scheduler again = start();
        assertEquals(List.of(first), again.job(second).orElseThrow().dependencies().afterJobs());
        Thread.sleep(300);
        assertEquals(0, again.status(second).orElseThrow().dispatched(), "still waiting after the restart");
        workers(1);
        List<TaskResult> a = done(again, first);
        List<TaskResult> b = done(again, second);
        assertTrue(b.get(0).startedAt() >= a.get(0).finishedAt());
        assertEquals(TaskStatus.SUCCEEDED, b.get(0).status());
    }
}
