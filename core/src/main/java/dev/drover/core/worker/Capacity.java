package dev.drover.core.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many tasks the worker holds (handed to its task threads and not yet ended) against how many
 * it may hold: one per thread, plus, once its tasks are seen to be short, {@code fetchAhead} worth
 * per thread, so the next bundle's round trips overlap the current one's last tasks. Tasks longer
 * than {@code fetchAhead} get one more for each thread whose task is due to end within it (by the
 * job's mean run time here): the next task is received and claimed while the last one ends, not
 * after (10 x 1 s a thread lost 20-30 ms a task to that gap). A task running past twice the mean is
 * not counted due, so a stuck task does not hoard the next one. The poller reserves room here before
 * it polls, so the worker never receives what it cannot start soon.
 */
final class Capacity {
    /** Bound on the tasks queued ahead per thread (for tasks near zero length). */
    static final int MAX_AHEAD_PER_THREAD = 50;

    private final int threads;
    private final Duration fetchAhead;
    private final TaskTimes times;
    private final Clock clock;
    /** When each running task began (clock millis); at most one per thread. Guarded by lock. */
    private final List<Long> running = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private int held;
    private int lastBundleTasks = 1;
    private boolean closed;

    Capacity(int threads, Duration fetchAhead, TaskTimes times, Clock clock) {
        this.threads = threads;
        this.fetchAhead = fetchAhead;
        this.times = times;
        this.clock = clock;
    }

    /**
     * Blocks until fewer tasks are held than the window; returns how many bundles to ask for: one
     * per free thread, or when fetching ahead, as many as fill the window at the size of the last
     * bundle (one round trip then brings what several small tail bundles hold). Zero once closed.
     */
    int awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            long now = clock.millis();
            while (!closed && held >= window(now)) {
                room.await(untilDue(now), TimeUnit.MILLISECONDS);
                now = clock.millis();
            }
            if (closed) {
                return 0;
            }
            if (held < threads) {
                return threads - held;
            }
            int perBundle = Math.max(1, lastBundleTasks);
            return Math.max(1, (window(now) - held + perBundle - 1) / perBundle);
        } finally {
            lock.unlock();
        }
    }

    /** The tasks of a claimed bundle were handed to the task threads. */
    void hold(int tasks) {
        lock.lock();
        try {
            held += tasks;
            lastBundleTasks = tasks;
        } finally {
            lock.unlock();
        }
    }

    /** A held task begins to run; returns when (clock millis), for {@link #release}. */
    long begin() {
        lock.lock();
        try {
            long now = clock.millis();
            running.add(now);
            return now;
        } finally {
            lock.unlock();
        }
    }

    /** The task that began at {@code begun} ended; returns true if the worker now holds none. */
    boolean release(long begun) {
        lock.lock();
        try {
            held--;
            running.remove(Long.valueOf(begun));
            if (held < window(clock.millis())) {
                room.signal();
            }
            return held == 0;
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return held == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the poller for good: the worker is stopping. */
    void close() {
        lock.lock();
        try {
            closed = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private int window(long now) {
        double mean = times.meanMillis();
        if (mean < 0) {
            return threads;
        }
        double lead = fetchAhead.toNanos() / 1e6;
        int ahead = (int) Math.min(MAX_AHEAD_PER_THREAD, lead / Math.max(mean, 1));
        if (ahead > 0) {
            return threads * (1 + ahead);
        }
        return threads + (int) running.stream().filter(begun -> due(now - begun, mean, lead)).count();
    }

    private static boolean due(long ranMillis, double mean, double lead) {
        return ranMillis >= mean - lead && ranMillis < 2 * mean;
    }

    /** How long the poller may wait before a running task comes due (at most 100 ms, to see a close or a new mean). */
    private long untilDue(long now) {
        double mean = times.meanMillis();
        double lead = fetchAhead.toNanos() / 1e6;
        long wait = 100;
        for (long begun : running) {
            long in = (long) Math.ceil(begun + mean - lead - now);
            if (mean >= 0 && in > 0) {
                wait = Math.min(wait, in);
            }
        }
        return wait;
    }
}
