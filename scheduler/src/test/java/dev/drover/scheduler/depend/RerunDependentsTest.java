package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.rerun.Rerun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** rerun --failed on a failed middle stage: the failed tasks and the dependents they blocked, nothing else. */
class RerunDependentsTest extends DependencyFixture {
    @Test
    void rerunsTheFailedTasksAndTheDependentsTheyBlockedInOrder() throws Exception {
        Scheduler s = start();
        workers(2);
        Path fixed = dir.resolve("fixed");
        String job = submit(s, """
                @name prep
                echo prep
                @replicas 3
                @after prep
                @name map
                [ "$DROVER_REPLICA" != 1 ] || [ -e %s ] || exit 1
                @replicas 1
                @after map
                echo reduce
                @after none
                echo free
                """.formatted(fixed));
        List<TaskResult> first = done(s, job);
        assertEquals(List.of(TaskStatus.SUCCEEDED, TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.SUCCEEDED,
                TaskStatus.CANCELLED, TaskStatus.SUCCEEDED), first.stream().map(TaskResult::status).toList());

        Files.createFile(fixed);
        String again = new Rerun(s).rerun(job, new Rerun.Selection(true, null), "ann").orElseThrow().jobId();
        List<TaskResult> second = done(s, again);
        assertEquals(2, second.size(), "map replica 1 and the reduce it blocked; not prep, not the others");
        assertEquals(List.of(TaskStatus.SUCCEEDED, TaskStatus.SUCCEEDED), second.stream().map(TaskResult::status).toList());
        assertEquals("reduce\n", second.get(1).stdout());
        assertEquals(1, second.get(0).replica() == 1 ? 1 : 0, "the rerun keeps the replica's number");
        assertEquals(true, second.get(1).startedAt() >= second.get(0).finishedAt(), "the reduce still waits on the map");
    }
}
