package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.testing.MutableClock;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ended jobs are forgotten after the retention, with an injected clock; jobs still running never are. */
class RetentionTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final CountingStore store = new CountingStore(new InMemoryJobStore());
    final List<Scheduler> schedulers = new ArrayList<>();

    @TempDir
    Path dir;

    /** The job store, counting how often a job's results are read. */
    static final class CountingStore implements JobStore {
        final JobStore inner;
        final AtomicInteger resultReads = new AtomicInteger();

        CountingStore(JobStore inner) {
            this.inner = inner;
        }

        @Override public void save(JobRecord job) { inner.save(job); }
        @Override public Optional<JobRecord> get(String jobId) { return inner.get(jobId); }
        @Override public List<JobRecord> list() { return inner.list(); }
        @Override public String claimIdempotencyKey(String user, String key, String jobId) {
            return inner.claimIdempotencyKey(user, key, jobId);
        }
        @Override public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
            inner.appendResults(jobId, chunkId, results);
        }
        @Override public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
            resultReads.incrementAndGet();
            inner.forEachResult(jobId, consumer);
        }
        @Override public void delete(String jobId) { inner.delete(jobId); }
    }

    Scheduler start(Optional<JobStore> jobStore) throws Exception {
        // the queues on the real clock, so their long polls end and close() is quick; the scheduler on the test's
        Backend backend = new Backend(new InMemoryMessageQueue(Clock.systemUTC()), new InMemoryMessageQueue(Clock.systemUTC()), Optional.empty(),
                new InMemoryClaimStore(), payloads, jobStore, UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir, 1).withRetention(Duration.ofDays(30))
                .withLostAfter(Duration.ofMillis(400)) /* its watch then sleeps 100 ms: close() is quick */, backend, clock).start();
        schedulers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        schedulers.forEach(Scheduler::close);
    }

    static String submit(Scheduler s, String workload) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "ann").jobId();
    }

    static List<TaskResult> results(Scheduler s, String jobId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(s.streamResults(jobId, out, false));
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }

    @Test
    void anEndedJobIsForgottenAfterTheRetentionWithItsRecordResultsAndSpoolAndARunningJobIsKept() throws Exception {
        Scheduler s = start(Optional.of(store));
        String ended = submit(s, "sleep 1\nsleep 2\nsleep 3\n");
        String running = submit(s, "sleep 100000\n");
        s.cancel(ended);
        assertEquals(3, results(s, ended).size());
        assertTrue(Files.exists(dir.resolve(ended).resolve("workload.txt")));

        clock.advance(Duration.ofDays(30));
        assertEquals(0, s.sweepExpired(), "kept for exactly the retention");
        assertTrue(s.status(ended).isPresent());

        clock.advance(Duration.ofDays(365));
        assertEquals(1, s.sweepExpired());
        assertTrue(s.status(ended).isEmpty(), "forgotten: the API answers 404");
        assertFalse(s.streamResults(ended, new ByteArrayOutputStream(), false));
        assertFalse(Files.exists(dir.resolve(ended)), "workload spool and result log deleted");
        assertTrue(store.get(ended).isEmpty(), "record deleted from the job store");
        List<TaskResult> left = new ArrayList<>();
        store.inner.forEachResult(ended, left::add);
        assertEquals(List.of(), left, "results deleted from the job store");

        assertTrue(s.status(running).isPresent(), "a job that has not ended never expires");
        assertTrue(store.get(running).isPresent());
        assertTrue(Files.exists(dir.resolve(running).resolve("workload.txt")));
    }

    @Test
    void theInJvmPoolWithNoJobStoreForgetsStateAndSpoolToo() throws Exception {
        Scheduler s = start(Optional.empty());
        String ended = submit(s, "sleep 1\n");
        s.cancel(ended);
        clock.advance(Duration.ofDays(31));
        assertEquals(1, s.sweepExpired());
        assertTrue(s.status(ended).isEmpty());
        assertFalse(Files.exists(dir.resolve(ended)));
    }

    @Test
    void aRestartDeletesExpiredJobsAndRecoversEndedOnesWithoutReadingTheirResultsUntilAsked() throws Exception {
        Scheduler first = start(Optional.of(store));
        String old = submit(first, "sleep 1\n");
        first.cancel(old);
        clock.advance(Duration.ofDays(20));
        String recent = submit(first, "sleep 1\nsleep 2\n");
        first.cancel(recent);
        String running = submit(first, "sleep 100000\n");
        first.close();
        clock.advance(Duration.ofDays(15));

        store.resultReads.set(0);
        Scheduler second = start(Optional.of(store));
        assertTrue(second.status(old).isEmpty(), "ended 35 days ago: deleted at recovery");
        assertTrue(store.get(old).isEmpty());
        assertEquals(1, store.resultReads.get(), "only the running job's results were read");

        JobView view = second.status(recent).orElseThrow();
        assertEquals(2L, view.counts().get(TaskStatus.CANCELLED), "counts from the record alone");
        assertEquals(1, store.resultReads.get());
        assertEquals(List.of(0L, 1L), results(second, recent).stream().map(TaskResult::seq).sorted().toList());
        assertEquals(2, store.resultReads.get(), "read once, when asked for");
        assertEquals(TaskStatus.CANCELLED, second.task(recent, 1).orElseThrow().status());
        assertEquals(2, store.resultReads.get());
        assertTrue(second.status(running).isPresent());
    }

    private String mode(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** A job's folder, workload and results hold users' commands, @env values and output: the scheduler's alone. */
    @Test
    void aJobsDataIsTheSchedulersAloneAlsoAfterARestart() throws Exception {
        Scheduler first = start(Optional.of(store));
        String cancelled = submit(first, "echo SECRET=1\n");
        first.cancel(cancelled);
        assertEquals(1, results(first, cancelled).size());
        String running = submit(first, "sleep 100000\n");
        for (String job : List.of(cancelled, running)) {
            assertEquals("rwx------", mode(dir.resolve(job)), job);
            assertEquals("rw-------", mode(dir.resolve(job).resolve("workload.txt")), job);
        }
        assertEquals("rw-------", mode(dir.resolve(cancelled).resolve("results.jsonl")));
        first.close();
        Files.setPosixFilePermissions(dir.resolve(running), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Scheduler second = start(Optional.of(store));
        assertTrue(second.status(running).isPresent());
        assertEquals("rwx------", mode(dir.resolve(running)), "made private again by the recovery");
        assertEquals("rw-------", mode(dir.resolve(running).resolve("workload.txt")));
        assertEquals(1, results(second, cancelled).size());
        assertEquals("rw-------", mode(dir.resolve(cancelled).resolve("results.jsonl")));
    }
}
