package dev.drover.core.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How long finished results wait to share a message: up to {@code resultLinger} (longer for long
 * tasks: {@link #lingerNanos}), but not once a message's worth waits, nor once no task is running:
 * then none is coming soon, and a job's last results must not wait out the linger.
 *
 * <p>When the linger is up while the tasks the worker holds are due to have ended within {@link
 * #SENDS_AHEAD} sends' time, it waits for them, at most that long: sent now, their results would go in
 * a second message after this one, and a job's end would wait for both sends (traced at 16 threads of
 * 10 ms tasks: in every traced job, the last worker's linger ran out up to 30 ms before its last tasks
 * ended, and their results went out in a second send of 11-27 ms after the first). Waiting never
 * makes those results later; it only holds the ones already ended a little longer.
 */
final class ResultLinger {
    /**
     * Results of long tasks linger up to this share of the tasks' mean run time (when that is longer
     * than {@code resultLinger}), so a worker of 1 s tasks posts a message every half second, not every
     * quarter: each message costs a send, a receive, a delete and a job-store write, and its bundles'
     * request deletes go out together. A result is then late by at most half its task's time (a job's
     * last results are not: see above), and a worker that dies loses to a re-run only that much more.
     */
    static final double LINGER_SHARE = 0.5;
    /** ... and never longer than this, so a job's progress still shows within a second or so. */
    static final long MAX_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    /**
     * How many sends' time (by their moving average) the worker's last tasks may be due in for the linger to wait
     * for them: a job's last sends, made together by every worker, took up to twice the average (37 ms against 18).
     */
    static final int SENDS_AHEAD = 2;

    private final WorkerConfig config;
    private final Capacity capacity;
    private final TaskTimes times;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private long unpublishedBytes; // guarded by lock
    /** Moving average of how long a send took (ns); -1 before the first. */
    private volatile double sendNanos = -1;

    ResultLinger(WorkerConfig config, Capacity capacity, TaskTimes times) {
        this.config = config;
        this.capacity = capacity;
        this.times = times;
    }

    /** A result of this many bytes waits: a message's worth waiting ends the linger. */
    void added(long bytes) {
        if (bytes <= 0) {
            return;
        }
        lock.lock();
        try {
            unpublishedBytes += bytes;
            if (unpublishedBytes >= config.resultBytes()) {
                due.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Results of this many bytes are taken to be sent: they no longer count towards a message's worth. */
    void taken(long bytes) {
        lock.lock();
        try {
            unpublishedBytes = Math.max(0, unpublishedBytes - bytes);
        } finally {
            lock.unlock();
        }
    }

    /** No task runs any more: the linger ends now. */
    void tasksEnded() {
        lock.lock();
        try {
            due.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A send of result messages took this long. */
    void sent(long nanos) {
        double mean = sendNanos;
        sendNanos = mean < 0 ? nanos : mean + (nanos - mean) / 4;
    }

    /**
     * Waits, from now, until the linger is up, a message's worth waits, or no task runs; once the linger is up,
     * also for the tasks the worker holds if they are due to have ended within {@link #SENDS_AHEAD} sends' time.
     */
    void linger() throws InterruptedException {
        long deadline = System.nanoTime() + lingerNanos(config.resultLinger(), times.meanMillis());
        lock.lock();
        try {
            awaitUntil(deadline);
            double wait = SENDS_AHEAD * sendNanos;
            if (wait > 0 && capacity.dueToEmptyWithin(wait / 1e6)) {
                awaitUntil(System.nanoTime() + (long) wait);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        while (left > 0 && !capacity.isEmpty() && unpublishedBytes < config.resultBytes()) {
            left = due.awaitNanos(left);
        }
    }

    /**
     * {@code configured}, or for tasks of this mean run time (negative: none measured yet) a share of
     * it, at most {@link #MAX_LINGER_NANOS}. Zero stays zero: the operator wants every result out at once.
     */
    static long lingerNanos(Duration configured, double meanMillis) {
        long nanos = configured.toNanos();
        if (nanos == 0 || meanMillis <= 0) {
            return nanos;
        }
        return Math.max(nanos, Math.min(MAX_LINGER_NANOS, (long) (meanMillis * 1e6 * LINGER_SHARE)));
    }
}
