package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.model.JobStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} adapter must do. */
public abstract class JobStoreContract {
    protected abstract JobStore store();

    static TaskResult result(String job, long seq) {
        return new TaskResult(job, seq, (int) seq + 1, "echo " + seq, TaskStatus.SUCCEEDED, 0, "out " + seq, "",
                false, false, "w1", 1, 2, 3, 1, null);
    }

    @Test
    void savesAndUpdatesJobRecords() {
        String id = "j" + UUID.randomUUID();
        JobRecord r = new JobRecord(id, "w.txt", "ann", 10, 4, List.of(3, 1), JobStatus.SUBMITTED, 1000, 0);
        store().save(r);
        assertEquals(r, store().get(id).orElseThrow(), "with the bundles being sent");
        JobRecord done = new JobRecord(id, "w.txt", "ann", 10, 10, List.of(), JobStatus.DONE, 1000, 2000);
        store().save(done);
        assertEquals(done, store().get(id).orElseThrow());
        assertTrue(store().list().stream().anyMatch(j -> j.jobId().equals(id)));
    }

    @Test
    void keepsTheJobsFilesHashAndResultsWithReplicasAndOutputs() {
        String id = "j" + UUID.randomUUID();
        JobRecord r = new JobRecord(id, "w.txt", "ann", 3, 0, List.of(), JobStatus.SUBMITTED, 1000, 0, "ab".repeat(32));
        store().save(r);
        assertEquals(r, store().get(id).orElseThrow());
        TaskResult withOutputs = new TaskResult(id, 2, 1, "make run", dev.drover.core.model.TaskStatus.SUCCEEDED, 0, "", "",
                false, false, "w", 1, 2, 3, 1, null, 2, List.of(new dev.drover.core.model.OutputFile("sub/a.txt", 5, "cd".repeat(32))));
        store().appendResults(id, "c1", List.of(withOutputs));
        List<TaskResult> all = new ArrayList<>();
        store().forEachResult(id, all::add);
        assertEquals(List.of(withOutputs), all);
    }

    @Test
    void keepsTheJobsPriority() {
        String id = "j" + UUID.randomUUID();
        JobRecord r = new JobRecord(id, "w.txt", "ann", 3, 0, List.of(), JobStatus.SUBMITTED, 1000, 0, null, -7);
        store().save(r);
        assertEquals(-7, store().get(id).orElseThrow().priority());
        JobRecord plain = new JobRecord(id, "w.txt", "ann", 3, 0, List.of(), JobStatus.SUBMITTED, 1000, 0);
        store().save(plain);
        assertEquals(0, store().get(id).orElseThrow().priority(), "priority 0 is the default");
    }

    @Test
    void keepsEveryChunkOfResultsOnceEach() {
        String id = "j" + UUID.randomUUID();
        store().appendResults(id, "c1", IntStream.range(0, 300).mapToObj(i -> result(id, i)).toList());
        store().appendResults(id, "c2", List.of(result(id, 300)));
        store().appendResults(id, "c2", List.of(result(id, 300)));
        List<TaskResult> all = new ArrayList<>();
        store().forEachResult(id, all::add);
        assertEquals(301, all.size());
        assertTrue(all.contains(result(id, 299)));
    }
}
