package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles are sized by the time a task held its worker thread, not by when its outputs were up; the
 * job's forecast and task-seconds keep the whole time.
 */
class JobStateTaskTimesTest {
    @TempDir
    Path dir;

    private static TaskResult shell(long seq, long startedAt, long finishedAt, long heldMillis) {
        return new TaskResult("j", seq, 1, "head -c 1048576 /dev/zero > \"$DROVER_OUTPUT_DIR/o\"", TaskStatus.SUCCEEDED, 0,
                "", "", false, false, "w1", 0, startedAt, finishedAt, 1, null, 0, List.of(), null, null, heldMillis);
    }

    @Test
    void aTaskWaitingForItsUploadCountsOnlyItsThreadTimeForBundles() {
        JobState job = new JobState("j", "w.txt", "ann", 3, 0, dir.resolve("w.txt"), dir.resolve("results.jsonl"));
        // held its thread 20 ms, its result came 400 ms after it started: its output queued behind others
        job.accept(List.of(shell(0, 1_000, 1_400, 20), shell(1, 1_000, 1_200, 40)), 2_000);
        assertEquals(30.0, job.times().meanShellThreadMillis(), 1e-9);
        assertArrayEquals(new long[] {600, 2}, job.times().shellTime(), "the forecast keeps the whole time");
        assertEquals(0.6, job.view(2_000).taskSeconds(), 1e-9);
    }

    @Test
    void aResultWithoutItsThreadTimeCountsItsDuration() {
        JobState job = new JobState("j", "w.txt", "ann", 1, 0, dir.resolve("w.txt"), dir.resolve("results.jsonl"));
        TaskResult older = Json.result(Json.write(shell(0, 1_000, 1_250, 0)));
        assertEquals(0, older.heldMillis());
        job.accept(List.of(older), 2_000);
        assertEquals(250.0, job.times().meanShellThreadMillis(), 1e-9);
    }

    @Test
    void aThreadTimeLongerThanTheTaskCountsItsDuration() {
        // a message body is input: a held time the task's own times cannot hold does not skew its bundles
        JobState job = new JobState("j", "w.txt", "ann", 1, 0, dir.resolve("w.txt"), dir.resolve("results.jsonl"));
        job.accept(List.of(shell(0, 1_000, 1_250, Long.MAX_VALUE)), 2_000);
        assertEquals(250.0, job.times().meanShellThreadMillis(), 1e-9);
    }

    @Test
    void theThreadTimeTravelsInTheResult() {
        assertEquals(20, Json.result(Json.write(shell(0, 1_000, 1_400, 20))).heldMillis());
    }
}
