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
    /** Starts wait this long for a result to ride on, then go alone, and alone at most this often. */
    static final long START_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** At most this many starts in one message (about 60 bytes each), the rest in the next. */
    static final int MAX_STARTS = 1000;

    /** A start and the seal of its bundle, which signs it. */
    record SealedStart(TaskStart start, BundleSeal seal) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, SealedStart> starts = new LinkedHashMap<>(); // guarded by lock
    private long sentAt = System.nanoTime() - START_INTERVAL_NANOS; // publisher thread only
    /** When the oldest waiting start came (System.nanoTime): a start waits that long for a result to ride on. Guarded by lock. */
    private long firstAt;

    /** A task of the bundle sealed with {@code seal} has started: it goes out with the next message. True if none waited. */
    boolean started(TaskStart start, BundleSeal seal) {
        lock.lock();
        try {
            boolean first = starts.isEmpty();
            if (first) {
                firstAt = System.nanoTime();
            }
            starts.put(Task.id(start.jobId(), start.seq()), new SealedStart(start, seal));
            return first;
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

    /** How long to wait for a result before waiting starts fall due; -1 if none waits (wait for a result). */
    long pollNanos() {
        lock.lock();
        try {
            return starts.isEmpty() ? -1 : Math.max(1, dueAt() - System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** True if starts wait, the oldest has waited the interval for a result, and the interval since starts last went is up. */
    boolean due() {
        lock.lock();
        try {
            return !starts.isEmpty() && System.nanoTime() - dueAt() >= 0;
        } finally {
            lock.unlock();
        }
    }

    /** The interval after the later of the last send and the oldest start (nanoTime values compare by their difference). */
    private long dueAt() {
        return firstAt + Math.max(sentAt - firstAt, 0) + START_INTERVAL_NANOS;
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
