package dev.drover.core.exec;

import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The built-in {@code sleep N}: holds a worker thread N milliseconds, no process.
 *
 * <p>An OS timer wakes a thread late: by about 0.15–0.2 ms on a cloud VM, which is 2 % of a
 * {@code sleep 10}, more than Drover's own overhead per task. So the sleep parks until a little
 * before its end, by the timer's median lateness as measured on this machine, and yields the
 * processor for the last stretch (tens of microseconds). A sleep then lasts N ms, not N ms plus
 * the hypervisor's timer, and it never ends early.
 */
final class SleepExecutor {
    /** Cancellation and timeouts are checked this often while sleeping. */
    private static final long SLICE_NANOS = 100_000_000;
    /** Bounds and step of the lateness estimate, which tracks the median lateness of a timed park. */
    private static final long MAX_LATENESS_NANOS = 500_000;
    private static final long LATENESS_STEP_NANOS = 2_000;
    private static final Outcome DONE = new Outcome(TaskStatus.SUCCEEDED, 0, "", "", false, false, null);

    /** Shared by the worker's threads; a lost update between them only slows the tracking. */
    private volatile long latenessNanos = 100_000;

    Outcome run(Task task, long millis, BooleanSupplier cancelled) {
        if (millis == 0) {
            return DONE;
        }
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        long limit = task.timeoutMs() > 0 ? start + task.timeoutMs() * 1_000_000 : Long.MAX_VALUE;
        while (true) {
            long now = System.nanoTime();
            if (now - limit >= 0) {
                return Outcome.of(TaskStatus.TIMED_OUT, "timed out after " + task.timeoutMs() + " ms");
            }
            if (now - end >= 0) {
                return DONE;
            }
            if (cancelled.getAsBoolean()) {
                return Outcome.of(TaskStatus.CANCELLED, "cancelled");
            }
            if (Thread.currentThread().isInterrupted()) {
                return Outcome.of(TaskStatus.CANCELLED, "interrupted");
            }
            long left = Math.min(end - now, limit - now);
            long early = latenessNanos;
            if (left <= early) {
                Thread.yield();
            } else if (left - early > SLICE_NANOS) {
                LockSupport.parkNanos(SLICE_NANOS);
            } else {
                long wakeAt = now + left - early;
                LockSupport.parkNanos(left - early);
                learn(System.nanoTime() - wakeAt);
            }
        }
    }

    private void learn(long lateNanos) {
        long estimate = latenessNanos + (lateNanos > latenessNanos ? LATENESS_STEP_NANOS : -LATENESS_STEP_NANOS);
        latenessNanos = Math.max(0, Math.min(MAX_LATENESS_NANOS, estimate));
    }
}
