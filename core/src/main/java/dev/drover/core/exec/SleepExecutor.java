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
 * before its end and spins on the processor for the last stretch. How early it wakes is the lower
 * quartile of the lateness measured on this machine: on an idle machine that takes most of the
 * timer's lateness away, and on a busy one, where lateness is the wait for a free processor,
 * three wake-ups in four come late anyway and the spin costs next to nothing. The spin keeps the
 * processor rather than yielding it: a thread that yields on a busy machine waits behind whatever
 * runs there, and woke late by a millisecond or more (the bench's overrun of {@code sleep 10}
 * tasks on local AWS fell by a quarter to three quarters without the yield, under load). A sleep never ends early.
 */
final class SleepExecutor {
    /** Cancellation and timeouts are checked this often while sleeping. */
    private static final long SLICE_NANOS = 100_000_000;
    /** The estimate tracks this quantile of the lateness of a timed park, within a bound, by steps. */
    private static final double LATENESS_QUANTILE = 0.25;
    private static final long MAX_EARLY_NANOS = 300_000;
    private static final long LATENESS_STEP_NANOS = 8_000;
    private static final Outcome DONE = new Outcome(TaskStatus.SUCCEEDED, 0, "", "", false, false, null);

    /** Shared by the worker's threads; a lost update between them only slows the tracking. */
    private volatile long earlyNanos = 100_000;

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
            long early = earlyNanos;
            if (left <= early) {
                Thread.onSpinWait();
            } else if (left - early > SLICE_NANOS) {
                LockSupport.parkNanos(SLICE_NANOS);
            } else {
                long wakeAt = now + left - early;
                LockSupport.parkNanos(left - early);
                learn(System.nanoTime() - wakeAt);
            }
        }
    }

    /** Stochastic quantile tracking: up by q steps when later than the estimate, down by 1 - q else. */
    private void learn(long lateNanos) {
        long early = earlyNanos;
        double step = lateNanos > early ? LATENESS_QUANTILE : LATENESS_QUANTILE - 1;
        earlyNanos = Math.max(0, Math.min(MAX_EARLY_NANOS, early + (long) (step * LATENESS_STEP_NANOS)));
    }
}
