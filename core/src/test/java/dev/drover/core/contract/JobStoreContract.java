package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.model.JobStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.ResultChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
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
    void keepsTheHeldRangesAndWhereTheBundlesBeingSentStart() {
        String id = "j" + UUID.randomUUID();
        JobRecord r = new JobRecord(id, "w.txt", "ann", 100, 90, List.of(2, 3), JobStatus.RUNNING, 1000, 0, null, 0, null, null,
                Map.of(), List.of(10L, 15L, 40L, 60L, 80L));
        store().save(r);
        assertEquals(r, store().get(id).orElseThrow());
        assertEquals(10, store().get(id).orElseThrow().sendingFrom(), "the bundles start in a held range");
        JobRecord none = new JobRecord(id, "w.txt", "ann", 100, 100, List.of(), JobStatus.RUNNING, 1000, 0);
        store().save(none);
        assertEquals(none, store().get(id).orElseThrow(), "none held: read as none");
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
    void keepsTheJobsBudgetAndWhyItWasCancelled() {
        String id = "j" + UUID.randomUUID();
        JobRecord r = new JobRecord(id, "w.txt", "ann", 3, 3, List.of(), JobStatus.CANCELLED, 1000, 2000, null, 0, 0.25, "budget", Map.of());
        store().save(r);
        assertEquals(r, store().get(id).orElseThrow());
        JobRecord none = new JobRecord(id, "w.txt", "ann", 3, 0, List.of(), JobStatus.SUBMITTED, 1000, 0);
        store().save(none);
        assertEquals(none, store().get(id).orElseThrow(), "no budget, no reason: read as null");
    }

    @Test
    void keepsTheJobsPriority() {
        String id = "j" + UUID.randomUUID();
        JobRecord r = new JobRecord(id, "w.txt", "ann", 3, 0, List.of(), JobStatus.SUBMITTED, 1000, 0, null, -7, null, null, Map.of());
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

    @Test
    void keepsChunksWrittenTogetherOnceEachAndLeavesOnesStoredBefore() {
        String id = "j" + UUID.randomUUID();
        TaskResult before = result(id, 0);
        store().appendResults(id, "c0", List.of(before));
        List<ResultChunk> chunks = new ArrayList<>();
        chunks.add(new ResultChunk("c0", List.of(result(id, 999)), null)); // stored already, with other content: kept as it was
        for (int k = 1; k <= 30; k++) { // more than one call's worth of chunks
            List<TaskResult> results = IntStream.range(10 * k, 10 * k + 10).mapToObj(i -> result(id, i)).toList();
            chunks.add(new ResultChunk("c" + k, results, k % 2 == 0 ? results.stream().map(Json::write).toList() : null));
        }
        store().appendResults(id, chunks);
        store().appendResults(id, chunks); // a repeated receive changes nothing
        List<Long> seqs = new ArrayList<>();
        store().forEachResult(id, r -> seqs.add(r.seq()));
        List<Long> expected = new ArrayList<>(List.of(0L));
        LongStream.range(10, 310).forEach(expected::add);
        assertEquals(expected, seqs.stream().sorted().toList());
        store().appendResults(id, List.of());
    }

    @Test
    void keepsAChunkGivenAsEncodedLinesAsTheResultsThemselves() {
        String id = "j" + UUID.randomUUID();
        TaskResult withOutputs = new TaskResult(id, 7, 8, "say \"hi\"\nthere", TaskStatus.FAILED, 3, "out", "err",
                false, true, "w", 1, 2, 3, 2, "why", 1, List.of(new dev.drover.core.model.OutputFile("a b.txt", 5, "cd".repeat(32))));
        List<TaskResult> results = List.of(result(id, 1), withOutputs, result(id, 2));
        store().appendResults(id, "c1", results, results.stream().map(Json::write).toList());
        List<TaskResult> all = new ArrayList<>();
        store().forEachResult(id, all::add);
        assertEquals(results, all);
    }

    @Test
    void keepsAnEndedJobsCountsPerStatus() {
        String id = "j" + UUID.randomUUID();
        JobRecord ended = new JobRecord(id, "w.txt", "ann", 5, 5, List.of(), JobStatus.DONE, 1000, 2000, null, 0, null, null,
                Map.of(TaskStatus.SUCCEEDED, 3L, TaskStatus.FAILED, 2L));
        store().save(ended);
        assertEquals(ended, store().get(id).orElseThrow());
    }

    @Test
    void deletingAJobForgetsItsRecordAndEveryResultAndNoOtherJob() {
        String id = "j" + UUID.randomUUID();
        String other = "j" + UUID.randomUUID();
        for (String job : List.of(id, other)) {
            store().save(new JobRecord(job, "w.txt", "ann", 2, 2, List.of(), JobStatus.DONE, 1000, 2000));
            store().appendResults(job, "c1", List.of(result(job, 0)));
            store().appendResults(job, "c2", List.of(result(job, 1)));
        }
        store().expireAt(id, java.time.Instant.ofEpochSecond(2_000_000_000L));
        store().delete(id);
        store().delete(id);
        assertTrue(store().get(id).isEmpty());
        assertTrue(store().list().stream().noneMatch(j -> j.jobId().equals(id)));
        List<TaskResult> gone = new ArrayList<>();
        store().forEachResult(id, gone::add);
        assertEquals(List.of(), gone);
        List<TaskResult> kept = new ArrayList<>();
        store().forEachResult(other, kept::add);
        assertEquals(2, kept.size());
        assertTrue(store().get(other).isPresent());
    }

    @Test
    void anIdempotencyKeyNamesTheFirstJobThatClaimedItPerUserUntilThatJobIsDeleted() {
        String key = UUID.randomUUID().toString();
        String first = "j" + UUID.randomUUID();
        String second = "j" + UUID.randomUUID();
        assertEquals(first, store().claimIdempotencyKey("ann", key, first));
        assertEquals(first, store().claimIdempotencyKey("ann", key, second), "a retry finds the first job");
        assertEquals(second, store().claimIdempotencyKey("bob", key, second), "keys are per user");
        store().save(new JobRecord(first, "w.txt", "ann", 1, 1, List.of(), JobStatus.DONE, 1000, 2000));
        store().expireAt(first, java.time.Instant.ofEpochSecond(2_000_000_000L));
        assertEquals(first, store().claimIdempotencyKey("ann", key, second), "kept while its job is");
        store().delete(first);
        assertEquals(second, store().claimIdempotencyKey("ann", key, second), "gone with its job");
        assertTrue(store().list().stream().noneMatch(j -> j.jobId().equals(second)), "a key is no job");
    }

    @Test
    void ofClaimsOfOneKeyAtOnceOneWins() throws Exception {
        String key = UUID.randomUUID().toString();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<String>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String job = "j" + i + UUID.randomUUID();
                claims.add(pool.submit(() -> {
                    start.await();
                    return store().claimIdempotencyKey("ann", key, job);
                }));
            }
            start.countDown();
            java.util.Set<String> winners = new java.util.HashSet<>();
            for (var claim : claims) {
                winners.add(claim.get());
            }
            assertEquals(1, winners.size(), "every claim names the one winner");
        } finally {
            pool.shutdownNow();
        }
    }
}
