package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task sees the outputs of the tasks it waits on under $DROVER_INPUT_DIR/NAME/REPLICA/, read-only. */
class InputsFlowDownTest extends DependencyFixture {
    @Test
    void aThreeStageWorkloadReadsItsUpstreamOutputsAndTheReduceSumsThem() throws Exception {
        Scheduler s = start();
        workers(3);
        String job = submit(s, """
                @name prep
                echo 5 > $DROVER_OUTPUT_DIR/n
                @replicas 4
                @after prep
                @name map
                echo $(( $(cat $DROVER_INPUT_DIR/prep/0/n) + DROVER_REPLICA )) > $DROVER_OUTPUT_DIR/v
                @replicas 1
                @after map
                cat $DROVER_INPUT_DIR/map/*/v | awk '{ s += $1 } END { print s }'
                stat -L -c %A $DROVER_INPUT_DIR/map/0/v $DROVER_INPUT_DIR/map/0
                @after none
                echo "[$DROVER_INPUT_DIR]"
                """);
        List<TaskResult> r = done(s, job);
        r.forEach(t -> assertEquals(TaskStatus.SUCCEEDED, t.status(), t.toString()));
        assertEquals("26\n", r.get(5).stdout(), "5+0 + 5+1 + 5+2 + 5+3");
        assertEquals("-r--r--r--\ndr-xr-xr-x\n", r.get(6).stdout(), "read-only (the tests may run as root, whom modes do not stop)");
        assertEquals("[]\n", r.get(7).stdout(), "a task that waits on nothing has no input directory");
        assertEquals(5, workspace.inputsCache().fetches(), "prep once (three workers share one cache here), each map once");
    }

    @Test
    void replicaIOfAnAfterReplicaLineSeesOnlyReplicaI() throws Exception {
        Scheduler s = start();
        workers(2);
        String job = submit(s, """
                @replicas 3
                @name align
                echo a$DROVER_REPLICA > $DROVER_OUTPUT_DIR/out
                @after-replica align
                echo $(ls $DROVER_INPUT_DIR/align) $(cat $DROVER_INPUT_DIR/align/$DROVER_REPLICA/out)
                """);
        List<TaskResult> r = done(s, job);
        assertEquals(List.of("0 a0\n", "1 a1\n", "2 a2\n"), r.subList(3, 6).stream().map(TaskResult::stdout).toList());
    }
}
