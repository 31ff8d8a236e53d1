package dev.drover.scheduler.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.drover.core.Usage;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate lets through exactly the items a proof of a bundle this scheduler sealed covers. */
class ResultGateTest {
    final BundleProofs proofs = new BundleProofs(new byte[32]);
    final ResultGate gate = new ResultGate(proofs, "j"::equals);
    final BundleSeal seal = proofs.seal("j", List.of(task(0), task(1), task(2)));

    @Test
    void aFullyProvenBatchPassesAsItIs() {
        List<TaskResult> results = List.of(result(0, TaskStatus.SUCCEEDED), result(1, TaskStatus.FAILED));
        List<TaskStart> starts = List.of(new TaskStart("j", 2, 5));
        ResultBatch batch = batch(results, starts, List.of(ResultProof.sign(seal, results, starts)));
        assertSame(batch, gate.admit(batch));
        assertEquals(0, gate.dropped());
    }

    @Test
    void anAlteredResultOrStartIsDropped() {
        List<TaskResult> signed = List.of(result(0, TaskStatus.FAILED), result(1, TaskStatus.SUCCEEDED));
        List<TaskStart> starts = List.of(new TaskStart("j", 2, 5));
        ResultProof proof = ResultProof.sign(seal, signed, starts);
        List<TaskResult> altered = List.of(result(0, TaskStatus.SUCCEEDED), result(1, TaskStatus.SUCCEEDED));
        ResultBatch out = gate.admit(batch(altered, starts, List.of(proof)));
        assertEquals(List.of(), out.results());
        assertEquals(List.of(), out.started());
        out = gate.admit(batch(signed, List.of(new TaskStart("j", 2, 6)), List.of(proof))); // the proof covers all three
        assertEquals(List.of(), out.results());
        assertEquals(List.of(), out.started());
        assertEquals(6, gate.dropped());
    }

    @Test
    void aResultOutsideItsScopeOrWithoutAProofIsDroppedAndOthersJobsPass() {
        List<TaskResult> inScope = List.of(result(0, TaskStatus.SUCCEEDED));
        List<TaskResult> outside = List.of(result(7, TaskStatus.SUCCEEDED));
        TaskResult otherJob = new TaskResult("k", 0, 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w", 0, 0, 0, 1, null);
        List<TaskResult> all = new ArrayList<>(inScope);
        all.addAll(outside);
        all.add(result(1, TaskStatus.SUCCEEDED)); // no proof covers it
        all.add(otherJob);
        ResultBatch out = gate.admit(batch(all, List.of(), List.of(ResultProof.sign(seal, inScope, List.of()),
                ResultProof.sign(seal, outside, List.of()))));
        assertEquals(List.of(inScope.get(0), otherJob), out.results());
        assertEquals(2, gate.dropped());
    }

    @Test
    void aProofWithAnotherKeyProvesNothing() {
        BundleSeal forged = new BundleProofs(new byte[32]).seal("j", List.of(task(0)));
        BundleSeal wrongKey = new BundleProofs(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}).seal("j", List.of(task(0)));
        List<TaskResult> results = List.of(result(0, TaskStatus.SUCCEEDED));
        assertEquals(1, gate.admit(batch(results, List.of(), List.of(ResultProof.sign(forged, results, List.of())))).results().size());
        assertEquals(0, gate.admit(batch(results, List.of(), List.of(ResultProof.sign(wrongKey, results, List.of())))).results().size());
    }

    private static ResultBatch batch(List<TaskResult> results, List<TaskStart> starts, List<ResultProof> proofs) {
        return new ResultBatch("w", "j", Usage.ZERO, 0, results, starts, proofs);
    }

    private static Task task(long seq) {
        return new Task(seq, (int) seq + 1, "sleep 0", 0, 1, 1);
    }

    private static TaskResult result(long seq, TaskStatus status) {
        return new TaskResult("j", seq, (int) seq + 1, "sleep 0", status, status == TaskStatus.SUCCEEDED ? 0 : 1, "", "",
                false, false, "w", 0, 0, 10, 1, null);
    }
}
