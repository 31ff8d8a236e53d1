package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.MessageQueue.QueueDepth;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.why.Why;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** drover why and drover status, for tasks that wait on others. */
class ExplainDependenciesTest extends DependencyFixture {
    @SuppressWarnings("unchecked")
    static List<String> why(Scheduler s, String job, long seq) throws Exception {
        Why why = new Why(s, Map::of, () -> new QueueDepth(0, 0));
        List<Why.Reason> reasons = (List<Why.Reason>) why.explain(job, seq).orElseThrow().get("reasons");
        return reasons.stream().map(r -> r.code() + ": " + r.text()).toList();
    }

    @Test
    void whySaysWhichLineATaskWaitsForAndHowFarItIs() throws Exception {
        Scheduler s = start();
        String job = submit(s, """
                @replicas 3
                @name map
                exit $DROVER_REPLICA
                @replicas 1
                @after map
                echo reduce
                """);
        await(() -> s.status(job).orElseThrow().dispatched() == 3);
        assertEquals(List.of("dependency: waiting for line 3 (map) of job " + job + ": 0 of 3 done"), why(s, job, 3));
        JobView v = s.status(job).orElseThrow();
        assertEquals(List.of(new JobView.StageCount("map", 3, 3, 0, 0, List.of()),
                new JobView.StageCount(null, 6, 1, 0, 0, List.of("map"))), v.stages());

        workers(1);
        List<TaskResult> r = done(s, job);
        String cancelled = why(s, job, 3).get(0);
        assertTrue(cancelled.matches("dependency: CANCELLED: dependency: task [12] ended FAILED \\(a task it waits on did not succeed\\)"),
                cancelled); // whichever of the two failures was recorded first
        assertEquals(List.of(new JobView.StageCount("map", 3, 3, 1, 3, List.of()),
                new JobView.StageCount(null, 6, 1, 0, 1, List.of("map"))), s.status(job).orElseThrow().stages());
        assertEquals(4, r.size());
    }

    @Test
    void whySaysWhichJobAJobWaitsFor() throws Exception {
        Scheduler s = start();
        String first = submit(s, "sleep 100000\nsleep 1\n");
        String second = JobWaitsTest.submitAfter(s, "echo later\n", List.of(first));
        assertEquals(List.of("waiting-for-job: waiting for job " + first + " (submit --after): 0 of 2 done"), why(s, second, 0));
        assertEquals(List.of(first), s.status(second).orElseThrow().after());
    }
}
