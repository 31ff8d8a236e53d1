package dev.drover.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The split of a job's wall time from hand-made results whose every part is known. */
class WallSplitTest {
    private static final double MS = 1e-9 + 0.001;

    @Test
    void eachPartIsWhatTheResultsShowAndTheyAddUpToTheWall() {
        // submitted at 1,000; two workers of 2 threads; 10 ms tasks
        // worker a: threads start at 1,050; one runs 1,050-1,060 and 1,062-1,072 (a 2 ms gap), the other 1,050-1,061 (1 ms over)
        // worker b: begins at 1,055 (5 ms later), runs 1,055-1,065 on both threads
        List<TaskResult> results = List.of(
                result("a", 1_050, 1_060), result("a", 1_062, 1_072), result("a", 1_050, 1_061),
                result("b", 1_055, 1_065), result("b", 1_055, 1_065));
        WallSplit s = WallSplit.of(results, 1_000, 0.080, 2, 10); // last result at 1,080
        assertEquals(0.050, s.start(), MS);
        assertEquals(2 * 5 / 4.0 / 1000, s.stagger(), MS); // b's 2 threads 5 ms late, over 4 threads
        // a's span 22 ms × 2 threads = 44, busy 31: 13 idle; b's span 10 × 2 = 20, busy 20: none
        assertEquals(13 / 4.0 / 1000, s.gaps(), MS);
        assertEquals(1 / 4.0 / 1000, s.overrun(), MS); // 51 ms run, 50 asked
        assertEquals(2 * 7 / 4.0 / 1000, s.imbalance(), MS); // b ends at 1,065, the job at 1,072
        assertEquals(0.008, s.tail(), MS);
        double ideal = results.size() * 10 / 4.0 / 1000; // tasks' asked time a thread
        assertEquals(0.080, s.start() + s.stagger() + s.gaps() + s.overrun() + s.imbalance() + s.tail() + ideal, MS);
    }

    private static TaskResult result(String worker, long started, long finished) {
        return new TaskResult("j", 0, 1, "sleep 10", TaskStatus.SUCCEEDED, 0, "", "", false, false, worker,
                started, started, finished, 1, null);
    }
}
