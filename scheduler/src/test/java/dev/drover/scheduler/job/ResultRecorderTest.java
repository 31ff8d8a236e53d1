package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.ResultChunk;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A receive's batches are recorded together: each job's chunks of them go to the job store in one write, before the job takes them. */
class ResultRecorderTest {
    @TempDir
    Path dir;

    /** The chunks of each write, by job, as the store was given them; a job named in {@code fencedOut} is refused. */
    private static final class Writes implements JobStore {
        final JobStore inner = new InMemoryJobStore();
        final List<String> calls = new ArrayList<>();
        final Map<String, List<List<String>>> chunkIds = new ConcurrentHashMap<>();
        String fencedOut = "";

        @Override
        public void appendResults(String jobId, List<ResultChunk> chunks) {
            record(jobId, chunks);
            chunks.forEach(c -> appendResults(jobId, c.chunkId(), c.results()));
        }

        @Override
        public void appendResults(String jobId, List<ResultChunk> chunks, Fence fence) {
            if (jobId.equals(fencedOut)) {
                throw new FencedOutException(jobId, fence);
            }
            appendResults(jobId, chunks);
        }

        private void record(String jobId, List<ResultChunk> chunks) {
            calls.add(jobId);
            chunkIds.computeIfAbsent(jobId, j -> new ArrayList<>()).add(chunks.stream().map(ResultChunk::chunkId).toList());
        }

        @Override
        public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
            inner.appendResults(jobId, chunkId, results);
        }

        @Override
        public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
            inner.forEachResult(jobId, consumer);
        }

        @Override
        public void save(JobRecord job) {
            inner.save(job);
        }

        @Override
        public void save(JobRecord job, Fence fence) {
            inner.save(job);
        }

        @Override
        public Optional<JobRecord> get(String jobId) {
            return inner.get(jobId);
        }

        @Override
        public String claimIdempotencyKey(String user, String key, String jobId) {
            return inner.claimIdempotencyKey(user, key, jobId);
        }

        @Override
        public List<JobRecord> list() {
            return inner.list();
        }

        @Override
        public void delete(String jobId) {
            inner.delete(jobId);
        }
    }

    private final Writes store = new Writes();
    private final Persistence persistence = new Persistence(Optional.of(store), new InMemoryPayloadStore());
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final List<String> heard = new ArrayList<>();
    private final ResultRecorder recorder = new ResultRecorder(jobs, persistence, UsageMeter.NONE, Clock.systemUTC(),
            (job, fresh, now) -> heard.add(job.jobId() + ":" + fresh.size()));

    private JobState job(String id, int tasks) {
        JobState job = new JobState(id, "w.txt", "ann", tasks, 0, dir.resolve(id + ".txt"), dir.resolve(id + ".jsonl"));
        jobs.put(id, job);
        return job;
    }

    private static TaskResult result(String job, long seq) {
        return new TaskResult(job, seq, 1, "true", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w1", 1, 2, 3, 1, null);
    }

    private static ResultRecorder.Incoming message(String id, TaskResult... results) {
        return new ResultRecorder.Incoming(id, new ResultBatch("w1", results[0].jobId(), Usage.ZERO, 0, List.of(results)));
    }

    @Test
    void eachJobsChunksOfAReceiveGoInOneWriteAndThenToTheJob() {
        JobState a = job("a", 3);
        JobState b = job("b", 1);
        List<Optional<Consumer<Usage>>> charges = recorder.collect(List.of(
                message("m1", result("a", 0), result("a", 1)), message("m2", result("b", 0)), message("m3", result("a", 2))));
        assertEquals(3, charges.size());
        assertTrue(charges.stream().allMatch(Optional::isPresent), "every message recorded");
        assertEquals(List.of("a", "b"), store.calls, "one write a job");
        assertEquals(List.of(List.of("m1", "m3")), store.chunkIds.get("a"), "a chunk a message, in order");
        assertEquals(List.of(List.of("m2")), store.chunkIds.get("b"));
        assertTrue(a.done());
        assertTrue(b.done());
        assertEquals(List.of("a:3", "b:1"), heard);
        List<Long> stored = new ArrayList<>();
        store.forEachResult("a", r -> stored.add(r.seq()));
        assertEquals(List.of(0L, 1L, 2L), stored.stream().sorted().toList());
    }

    @Test
    void aJobTakenByAnotherReplicaLeavesItsMessagesAndNotTheOthers() {
        persistence.ownAs("r-a", id -> { });
        JobState a = job("a", 2);
        JobState b = job("b", 1);
        persistence.fence("a", new Fence("r-a", 1));
        persistence.fence("b", new Fence("r-a", 1));
        store.fencedOut = "a";
        List<Optional<Consumer<Usage>>> charges = recorder.collect(List.of(
                message("m1", result("a", 0)), message("m2", result("b", 0)), message("m3", result("a", 1))));
        assertFalse(charges.get(0).isPresent(), "left on the queue for the job's owner");
        assertTrue(charges.get(1).isPresent());
        assertFalse(charges.get(2).isPresent());
        assertEquals(0, a.total() - a.remaining(), "the job took none of what was not stored");
        assertTrue(b.done());
        assertTrue(persistence.fenceOf("a").isEmpty(), "the lost job's fence is forgotten");
    }

    @Test
    void aMessageOfNoJobOfThisSchedulerIsNotRecorded() {
        job("a", 1);
        List<Optional<Consumer<Usage>>> charges = recorder.collect(List.of(message("m1", result("other", 0)),
                message("m2", result("a", 0))));
        assertFalse(charges.get(0).isPresent());
        assertTrue(charges.get(1).isPresent());
        assertEquals(List.of("a"), store.calls);
    }
}
