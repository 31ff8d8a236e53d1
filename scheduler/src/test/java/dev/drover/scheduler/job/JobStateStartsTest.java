package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts make a task RUNNING; late, repeated or reordered starts never undo a result. */
class JobStateStartsTest {
    @TempDir
    Path dir;

    JobState job(int tasks) {
        return new JobState("j", "w.txt", "ann", tasks, 0, dir.resolve("w.txt"), dir.resolve("results.jsonl"));
    }

    static TaskResult done(long seq, String worker) {
        return new TaskResult("j", seq, 1, "sleep 1", TaskStatus.SUCCEEDED, 0, "", "", false, false, worker, 0, 10, 20, 1, null);
    }

    @Test
    void aStartMakesATaskRunningWithItsWorkerAndTheCountsFollow() {
        JobState job = job(3);
        assertEquals(2, job.started("w1", List.of(new TaskStart("j", 0, 100), new TaskStart("j", 1, 101))));
        assertEquals(TaskStatus.RUNNING, job.status(0));
        assertEquals("w1", job.running(0).orElseThrow().worker());
        assertEquals(100, job.running(0).orElseThrow().startedAt());
        assertEquals(2, job.view(200).counts().get(TaskStatus.RUNNING));
        assertEquals(1, job.view(200).counts().get(TaskStatus.QUEUED));

        job.accept(List.of(done(0, "w1")), 300);
        assertEquals(TaskStatus.SUCCEEDED, job.status(0));
        assertTrue(job.running(0).isEmpty());
        assertEquals(1, job.view(300).counts().get(TaskStatus.RUNNING));
        assertEquals(1, job.view(300).counts().get(TaskStatus.SUCCEEDED));
        assertEquals(2, job.remaining());
    }

    @Test
    void aStartThatArrivesAfterItsResultChangesNothing() {
        JobState job = job(2);
        job.accept(List.of(done(0, "w1")), 300);
        assertEquals(0, job.started("w1", List.of(new TaskStart("j", 0, 100))));
        assertEquals(TaskStatus.SUCCEEDED, job.status(0));
        assertEquals(0, job.view(400).counts().get(TaskStatus.RUNNING));
        assertEquals(1, job.view(400).counts().get(TaskStatus.SUCCEEDED));
        assertEquals(1, job.view(400).counts().get(TaskStatus.QUEUED));
    }

    @Test
    void repeatedAndReorderedStartsAreHarmlessAndTheLatestRunWins() {
        JobState job = job(2);
        job.started("w1", List.of(new TaskStart("j", 0, 100)));
        job.started("w1", List.of(new TaskStart("j", 0, 100)));
        assertEquals(1, job.view(0).counts().get(TaskStatus.RUNNING), "a repeat counts once");
        job.started("w2", List.of(new TaskStart("j", 0, 500))); // re-run after w1 died
        job.started("w1", List.of(new TaskStart("j", 0, 100))); // w1's start delivered again, late
        assertEquals("w2", job.running(0).orElseThrow().worker());
        assertEquals(1, job.view(0).counts().get(TaskStatus.RUNNING));
        assertEquals(0, job.started("w1", List.of(new TaskStart("j", 7, 1), new TaskStart("j", -1, 1))), "out of range");
        job.accept(List.of(done(0, "w2"), done(1, "w2")), 600);
        assertTrue(job.done());
        long sum = job.view(600).counts().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(2, sum, "counts still add up to the job's tasks");
    }
}
