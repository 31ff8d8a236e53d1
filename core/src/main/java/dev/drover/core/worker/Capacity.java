package dev.drover.core.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many tasks the worker holds (handed to its task threads and not yet ended) against how many
 * it may hold: one per thread, plus, once its tasks are seen to be short, {@code fetchAhead} worth
 * per thread, so the next bundle's round trips overlap the current one's last tasks. The poller
 * reserves room here before it polls, so the worker never receives what it cannot start soon.
 */
final class Capacity {
    /** Bound on the tasks queued ahead per thread (for tasks near zero length). */
    static final int MAX_AHEAD_PER_THREAD = 50;

    private final int threads;
    private final Duration fetchAhead;
    private final TaskTimes times;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private int held;
    private int lastBundleTasks = 1;
    private boolean closed;

    Capacity(int threads, Duration fetchAhead, TaskTimes times) {
        this.threads = threads;
        this.fetchAhead = fetchAhead;
        this.times = times;
    }

    /**
     * Blocks until fewer tasks are held than the window; returns how many bundles to ask for: one
     * per free thread, or when fetching ahead, as many as fill the window at the size of the last
     * bundle (one round trip then brings what several small tail bundles hold). Zero once closed.
     */
    int awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && held >= window()) {
                room.await(100, TimeUnit.MILLISECONDS);
            }
            if (closed) {
                return 0;
            }
            if (held < threads) {
                return threads - held;
            }
            int perBundle = Math.max(1, lastBundleTasks);
            return Math.max(1, (window() - held + perBundle - 1) / perBundle);
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

    /** A task ended; returns true if the worker now holds none. */
    boolean release() {
        lock.lock();
        try {
            held--;
            if (held < window()) {
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

    private int window() {
        double mean = times.meanMillis();
        int ahead = mean < 0 ? 0 : (int) Math.min(MAX_AHEAD_PER_THREAD, fetchAhead.toNanos() / 1e6 / Math.max(mean, 1));
        return threads * (1 + ahead);
    }
}
