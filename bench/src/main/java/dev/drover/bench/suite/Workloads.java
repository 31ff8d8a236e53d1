package dev.drover.bench.suite;

import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.Scheduler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/** Workload text and timed submission through the Scheduler API. */
final class Workloads {
    private Workloads() {}

    /** {@code count} lines of {@code sleep millis}. */
    static byte[] sleeps(int count, int millis) {
        String line = "sleep " + millis + "\n";
        StringBuilder sb = new StringBuilder(count * line.length());
        for (int i = 0; i < count; i++) {
            sb.append(line);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A finished job and the wall time from the submit call to its last result.
     *
     * @param submittedAtMillis epoch millis just before the submit call
     * @param intakeCpuNanos    the submitting thread's CPU time in the submit call
     */
    record Timed(JobView view, double wallSeconds, long submittedAtMillis, long intakeCpuNanos) {}

    /**
     * Submits through the Scheduler API and waits for the last result; fails if any task did not
     * succeed or the job takes longer than {@code timeoutSeconds}.
     */
    static Timed run(Scheduler scheduler, byte[] workload, String name, double timeoutSeconds)
            throws IOException, WorkloadException, InterruptedException, TimeoutException {
        long submittedAt = System.currentTimeMillis();
        long start = System.nanoTime();
        long cpu = SchedulerCpu.threadNanos();
        JobView submitted;
        try {
            submitted = scheduler.submit(new ByteArrayInputStream(workload), name, "bench");
        } catch (Quotas.Exceeded e) {
            throw new IllegalStateException("a benchmark job over the default quotas: " + e.getMessage(), e);
        }
        long intake = SchedulerCpu.threadNanos() - cpu;
        OptionalLong end = awaitOnThread(timeoutSeconds, () -> scheduler.awaitDone(submitted.jobId()));
        if (end.isEmpty()) {
            JobView v = scheduler.status(submitted.jobId()).orElseThrow();
            throw new TimeoutException(name + ": " + (v.total() - v.counts().get(TaskStatus.QUEUED) - v.counts().get(TaskStatus.RUNNING)) + " of " + v.total()
                    + " tasks done after " + timeoutSeconds + " s");
        }
        JobView done = scheduler.status(submitted.jobId()).orElseThrow();
        long ok = done.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L);
        if (ok != done.total()) {
            throw new IllegalStateException(name + ": only " + ok + " of " + done.total() + " tasks succeeded");
        }
        return new Timed(done, (end.getAsLong() - start) / 1e9, submittedAt, intake);
    }

    /** A wait that may be interrupted. */
    interface Waiting {
        void await() throws InterruptedException;
    }

    /**
     * Waits on a thread of its own until {@code done} returns, for at most {@code timeoutSeconds}; the
     * System.nanoTime at its return, or empty if it had not returned by then (the thread is interrupted).
     */
    static OptionalLong awaitOnThread(double timeoutSeconds, Waiting done) throws InterruptedException {
        AtomicLong end = new AtomicLong();
        Thread waiter = new Thread(() -> {
            try {
                done.await();
                end.set(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "drover-bench-await");
        waiter.setDaemon(true);
        waiter.start();
        waiter.join((long) (timeoutSeconds * 1000));
        if (waiter.isAlive()) {
            waiter.interrupt();
            return OptionalLong.empty();
        }
        return OptionalLong.of(end.get());
    }
}
