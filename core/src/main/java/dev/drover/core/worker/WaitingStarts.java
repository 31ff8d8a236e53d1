package dev.drover.core.worker;

import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Task starts not yet sent, oldest first, and when they last went. A start whose result is already
 * waiting is dropped (the result says more); starts with no result to ride on go alone, but at most
 * once per {@link #START_INTERVAL_NANOS}: never a message a task.
 */
final class WaitingStarts {
    /** Starts with no result to ride on wait at most this long, and go alone at most this often. */
    static final long START_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** At most this many starts in one message (about 60 bytes each), the rest in the next. */
    static final int MAX_STARTS = 1000;

    /** A start and the seal of its bundle, which signs it. */
    record SealedStart(TaskStart start, BundleSeal seal) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, SealedStart> starts = new LinkedHashMap<>(); // guarded by lock
    private long sentAt = System.nanoTime() - START_INTERVAL_NANOS; // publisher thread only

    /** A task of the bundle sealed with {@code seal} has started: it goes out with the next message. */
    void started(TaskStart start, BundleSeal seal) {
        lock.lock();
        try {
            starts.put(Task.id(start.jobId(), start.seq()), new SealedStart(start, seal));
        } finally {
            lock.unlock();
        }
    }

    /** The task's result waits to be sent: its start need not go. */
    void resulted(String taskId) {
        lock.lock();
        try {
            starts.remove(taskId);
        } finally {
            lock.unlock();
        }
    }

    /** How long to wait for a result: {@code max}, or less if waiting starts fall due sooner. */
    long pollNanos(long max) {
        lock.lock();
        try {
            if (starts.isEmpty()) {
                return max;
            }
        } finally {
            lock.unlock();
        }
        return Math.max(1, Math.min(max, sentAt + START_INTERVAL_NANOS - System.nanoTime()));
    }

    /** True if starts wait and the interval since starts last went is up. */
    boolean due() {
        lock.lock();
        try {
            return !starts.isEmpty() && System.nanoTime() - sentAt >= START_INTERVAL_NANOS;
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@link #MAX_STARTS} waiting starts, oldest first, to be sent now. */
    List<SealedStart> take() {
        List<SealedStart> taken;
        lock.lock();
        try {
            taken = new ArrayList<>(Math.min(starts.size(), MAX_STARTS));
            var it = starts.values().iterator();
            while (it.hasNext() && taken.size() < MAX_STARTS) {
                taken.add(it.next());
                it.remove();
            }
        } finally {
            lock.unlock();
        }
        sentAt = System.nanoTime();
        return taken;
    }
}
