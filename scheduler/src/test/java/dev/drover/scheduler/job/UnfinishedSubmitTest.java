package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.UsageMeter;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.testing.MutableClock;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submit writes its workload and its first record in parallel; a submit that died between the two leaves a
 * record without its workload, which a restart forgets, and a workload deleted under a running job stops only
 * that job's recovery, not the scheduler's.
 */
class UnfinishedSubmitTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryJobStore records = new InMemoryJobStore();
    final List<Scheduler> schedulers = new ArrayList<>();

    @TempDir
    Path dir;

    /** The job store, counting down {@code saving} as a save begins. */
    record SaveSignalling(JobStore inner, CountDownLatch saving) implements JobStore {
        @Override public void save(JobRecord job) {
            saving.countDown();
            inner.save(job);
        }
        @Override public Optional<JobRecord> get(String jobId) { return inner.get(jobId); }
        @Override public List<JobRecord> list() { return inner.list(); }
        @Override public String claimIdempotencyKey(String user, String key, String jobId) {
            return inner.claimIdempotencyKey(user, key, jobId);
        }
        @Override public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
            inner.appendResults(jobId, chunkId, results);
        }
        @Override public void forEachResult(String jobId, Consumer<TaskResult> consumer) { inner.forEachResult(jobId, consumer); }
        @Override public void delete(String jobId) { inner.delete(jobId); }
    }

    /** The payload store, running {@code beforePut} before each file is put. */
    record Hooked(PayloadStore inner, Runnable beforePut) implements PayloadStore {
        @Override public void put(String key, byte[] bytes) { inner.put(key, bytes); }
        @Override public boolean exists(String key) { return inner.exists(key); }
        @Override public void putFile(String key, Path file) {
            beforePut.run();
            inner.putFile(key, file);
        }
        @Override public byte[] get(String key) { return inner.get(key); }
        @Override public InputStream open(String key) { return inner.open(key); }
        @Override public List<StoredObject> list(String prefix) { return inner.list(prefix); }
        @Override public void delete(String key) { inner.delete(key); }
        @Override public void touch(String key) { inner.touch(key); }
    }

    Scheduler start(JobStore store, PayloadStore payloads) throws Exception {
        Backend backend = new Backend(new InMemoryMessageQueue(Clock.systemUTC()), new InMemoryMessageQueue(Clock.systemUTC()),
                Optional.empty(), new InMemoryClaimStore(), payloads, Optional.of(store), UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir, 1).withLostAfter(Duration.ofMillis(400)), backend, clock).start();
        schedulers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        schedulers.forEach(Scheduler::close);
    }

    @Test
    void theWorkloadIsPutWhileTheRecordIsSaved() throws Exception {
        CountDownLatch saving = new CountDownLatch(1);
        List<Boolean> sawTheSave = new ArrayList<>();
        Scheduler s = start(new SaveSignalling(records, saving), new Hooked(new InMemoryPayloadStore(), () -> {
            try {
                // one after the other, the save would wait for this put: it never begins within the wait
                sawTheSave.add(saving.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        String job = RetentionTest.submit(s, "sleep 100000\n");
        assertEquals(List.of(true), sawTheSave, "the record's save began while the workload's put waited");
        assertTrue(s.status(job).isPresent());
    }

    @Test
    void aWorkloadThatCannotBeStoredFailsTheSubmitAndLeavesNoRecord() throws Exception {
        Scheduler s = start(records, new Hooked(new InMemoryPayloadStore(), () -> {
            throw new IllegalStateException("the bucket is gone");
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RetentionTest.submit(s, "sleep 1\n"));
        assertEquals("the bucket is gone", e.getMessage());
        assertEquals(List.of(), records.list(), "the record saved beside the failed put is deleted");
    }

    /** A running job, then {@code orphan} saved beside it without its workload; the scheduler restarted (the second started). */
    void restartWith(JobRecord orphan) throws Exception {
        InMemoryPayloadStore payloads = new InMemoryPayloadStore();
        Scheduler first = start(records, payloads);
        String running = RetentionTest.submit(first, "sleep 100000\n");
        first.close();
        records.save(orphan);
        Scheduler second = start(records, payloads);
        assertTrue(second.status(running).isPresent(), "the other job recovers");
    }

    @Test
    void aRecordWhoseSubmitDiedBeforeItsWorkloadWasStoredIsForgottenAtRestartAndTheOtherJobsRecover() throws Exception {
        restartWith(new JobRecord("job-unsubmitted", "w.txt", "ann", 3, 0, List.of(), JobStatus.RUNNING, clock.millis(), 0));
        assertTrue(schedulers.get(1).status("job-unsubmitted").isEmpty());
        assertTrue(records.get("job-unsubmitted").isEmpty(), "its record is deleted");
    }

    @Test
    void aRunningJobWhoseWorkloadWasDeletedAfterItsTasksWereSentIsLeftAndTheOtherJobsRecover() throws Exception {
        restartWith(new JobRecord("job-lost", "w.txt", "ann", 3, 2, List.of(), JobStatus.RUNNING, clock.millis(), 0));
        assertTrue(records.get("job-lost").isPresent(), "left for an operator: tasks of it may have run");
    }
}
