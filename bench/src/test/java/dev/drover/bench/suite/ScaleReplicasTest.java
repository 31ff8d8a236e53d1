package dev.drover.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover bench --scale --scale-replicas 3} at a tiny size: three scheduler replicas in one JVM on the
 * simulated fleet's shared in-memory queues and tables run their jobs to the end, each owning its own, and
 * the figures split the scheduler's CPU and tasks by replica. Checks what happened, never how fast.
 */
class ScaleReplicasTest {
    @TempDir
    Path dir;

    @Test
    void threeReplicasInOneJvmRunEveryTaskAndEachOwnsItsJob() throws Exception {
        StringWriter log = new StringWriter();
        ScaleBench bench = new ScaleBench(dir, new PrintWriter(log));
        bench.simulatedFleet(3, 2, 2, 10, 3); // 3 workers × 2 threads, 2 × sleep 10 a thread: 12 tasks, 4 a replica
        Map<String, Object> f = bench.figures;
        String k = "fleet3x2r3";
        assertEquals(12, f.get(k + "Tasks"), f::toString);
        long[] owned = IntStream.rangeClosed(1, 3).mapToLong(i -> ((Number) f.get(k + "Replica" + i + "Tasks")).longValue()).toArray();
        assertEquals(12, owned[0] + owned[1] + owned[2], "every task's job owned by one replica: " + f);
        assertTrue(IntStream.range(0, 3).filter(i -> owned[i] > 0).count() > 1, "more than one replica owned jobs: " + f);
        for (int i = 1; i <= 3; i++) {
            if (owned[i - 1] > 0) {
                double cpu = ((Number) f.get(k + "Replica" + i + "SchedulerCpuMicrosPerTask")).doubleValue();
                assertTrue(cpu > 0, "replica " + i + "'s threads are told apart from the others': " + f);
            }
        }
        // a replica beats once as it starts, then every heartbeat: the run itself (tens of ms) may hold none
        assertTrue(f.containsKey(k + "Dynamo.scheduler.replicas.beatPerTask"), "the replicas' beats are counted: " + f);
        assertTrue(((Number) f.get(k + "Dynamo.scheduler.jobs.savePerTask")).doubleValue() > 0, "and keep their jobs: " + f);
    }
}
