package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskInput;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.Stage;
import dev.drover.core.workload.WorkloadReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counts per stage: what goes when, what is blocked, and what it costs for a fan-in of 100,000. */
class DependenciesTest {
    static Dependencies of(String workload) throws Exception {
        try (WorkloadReader r = new WorkloadReader(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w")) {
            r.forEach(t -> { });
            return new Dependencies(r.stages());
        }
    }

    static TaskResult result(long seq, TaskStatus status) {
        return new TaskResult("j", seq, 1, "x", status, 0, "", "", false, false, "w", 0, 1, 2, 1, null);
    }

    @Test
    void aReduceGoesOnlyWhenEveryTaskOfEveryLineItWaitsOnSucceeded() throws Exception {
        Dependencies d = of("@replicas 3\n@name a\nx\n@replicas 1\n@name b\ny\n@after a,b\nreduce\n");
        TaskStatus[] status = {TaskStatus.QUEUED, TaskStatus.QUEUED, TaskStatus.QUEUED, TaskStatus.QUEUED, TaskStatus.QUEUED};
        assertEquals(Dependencies.Gate.READY, d.gate(0, 0, s -> status[(int) s]));
        for (int seq = 0; seq < 4; seq++) {
            assertEquals(Dependencies.Gate.WAITING, d.gate(4, 0, s -> status[(int) s]));
            d.recorded(result(seq, TaskStatus.SUCCEEDED));
        }
        assertEquals(Dependencies.Gate.READY, d.gate(4, 0, s -> status[(int) s]));
        assertEquals(List.of(new TaskInput("a", 0, 3, 0), new TaskInput("b", 3, 1, 0)), d.inputs(4, 0));
    }

    @Test
    void oneFailureBlocksAtOnceButNotAnAfterAnyLine() throws Exception {
        Dependencies d = of("@replicas 2\n@name a\nx\n@replicas 1\n@after a\nstrict\n@after-any a\ntolerant\n");
        d.recorded(result(0, TaskStatus.TIMED_OUT));
        assertEquals(Dependencies.Gate.BLOCKED, d.gate(2, 0, s -> TaskStatus.QUEUED));
        assertEquals(0, d.blockerOf(2, 0, s -> TaskStatus.TIMED_OUT));
        assertEquals(Dependencies.Gate.WAITING, d.gate(3, 0, s -> TaskStatus.QUEUED), "replica 1 has not ended");
        d.recorded(result(1, TaskStatus.SUCCEEDED));
        assertEquals(Dependencies.Gate.READY, d.gate(3, 0, s -> TaskStatus.QUEUED));
    }

    @Test
    void onlyTasksThatCouldRunNowCountTowardsTheFleet() throws Exception {
        Dependencies d = of("@name a\nx\n@replicas 4\n@after a\nmap\n@replicas 1\n@after none\nfree\n");
        assertEquals(4, d.notReady(s -> TaskStatus.QUEUED), "the 4 maps wait; a and free could run");
        d.recorded(result(0, TaskStatus.FAILED));
        for (int seq = 1; seq <= 2; seq++) {
            d.recorded(result(seq, TaskStatus.CANCELLED)); // cancelled at the cursor: final, no longer counted
        }
        assertEquals(2, d.notReady(s -> TaskStatus.QUEUED));
    }

    @Test
    void aFanInOf100000CostsAFewStagesAndWellUnderAMicrosecondAnEdge() throws Exception {
        StringBuilder w = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            w.append("@replicas 10000\n@name m").append(i).append("\nsleep 0\n");
            names.append(i == 0 ? "" : ",").append("m").append(i);
        }
        w.append("@replicas 1\n@after ").append(names).append("\nsleep 0\n");
        Dependencies d = of(w.toString());
        assertEquals(11, d.progress().size(), "11 stages for 100,001 tasks and 100,000 edges");
        TaskResult[] results = new TaskResult[100_000];
        for (int i = 0; i < results.length; i++) {
            results[i] = result(i, TaskStatus.SUCCEEDED);
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // the first rounds warm the JIT up
            Dependencies fresh = of(w.toString());
            long t0 = System.nanoTime();
            for (TaskResult r : results) {
                fresh.recorded(r);
            }
            best = Math.min(best, System.nanoTime() - t0);
            assertEquals(Dependencies.Gate.READY, fresh.gate(100_000, 0, s -> TaskStatus.SUCCEEDED));
        }
        double perEdge = best / 100_000.0;
        System.out.printf("fan-in 100,000 -> 1: %.0f ns per edge to record (count down) the upstream results%n", perEdge);
        assertTrue(perEdge < 1000, perEdge + " ns per edge");
        Stage reduce = d.progress().get(10).stage();
        assertEquals(10, reduce.after().size());
    }
}
