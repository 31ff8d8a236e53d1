package dev.drover.core.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * after (10 x 1 s a thread lost 20-30 ms a task to that gap). Once one is due, the poller fetches
 * for every thread due within twice the lead, so it wakes and receives once for threads ending close
 * together, not once a thread (16 threads of 1 s tasks woke it 16 times a second). A task running past
 * twice the mean is not counted due, so a stuck task does not hoard the next one. The poller reserves
 * room here before it polls, so the worker never receives what it cannot start soon; it sleeps until
 * a task ends, the next one comes due or the worker stops, and wakes for nothing else.
 *
 * <p>The lead is {@code fetchAhead} or twice what the worker's recent fetches ahead took (from asking
 * for room to the tasks' hand-off), whichever is longer, up to {@link #MAX_LEAD_MILLIS}: on a busy
 * machine a receive and its claims took 50-190 ms, longer than 100 ms of tasks, and every thread of the
 * worker waited for the next bundle together.
 */
final class Capacity {
    /** Bound on the tasks queued ahead per thread (for tasks near zero length). */
    static final int MAX_AHEAD_PER_THREAD = 50;
    /** Bound on the lead: what a worker whose fetches are slow may hold beyond its threads, a thread. */
    static final double MAX_LEAD_MILLIS = 500;

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
    /** When the poller last got room (clock millis), and whether it then held tasks (a fetch ahead). */
    private long askedAt;
    private boolean askedAhead;
    /** Moving average of how long fetches ahead took (ms); -1 before the first. */
    private double fetchMillis = -1;
    private boolean closed;
    /** When the poller, waiting for room, wakes by itself (clock millis): MAX_VALUE only when signalled, MIN_VALUE not waiting. */
    private long wakeAt = Long.MIN_VALUE;

    Capacity(int threads, Duration fetchAhead, TaskTimes times, Clock clock) {
        this.threads = threads;
        this.fetchAhead = fetchAhead;
        this.times = times;
        this.clock = clock;
    }

    /**
     * Blocks until fewer tasks are held than the window; returns how many bundles to ask for: one
     * per free thread, or when fetching ahead, as many as fill the window (long tasks: counting those
     * due within twice the lead) at the size of the last bundle (one round trip then brings what
     * several small tail bundles hold). Zero once closed.
     */
    int awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            long now = clock.millis();
            while (!closed && held >= window(now, 1)) {
                long in = untilRoom(now);
                wakeAt = in < 0 ? Long.MAX_VALUE : now + in;
                if (in < 0) {
                    room.await();
                } else {
                    room.await(in, TimeUnit.MILLISECONDS);
                }
                now = clock.millis();
            }
            if (closed) {
                return 0;
            }
            askedAt = now;
            askedAhead = held > 0; // from nothing held, the fetch waits for work, not only for its round trips
            if (held < threads) {
                return threads - held;
            }
            int perBundle = Math.max(1, lastBundleTasks);
            return Math.max(1, (window(now, 2) - held + perBundle - 1) / perBundle);
        } finally {
            wakeAt = Long.MIN_VALUE;
            lock.unlock();
        }
    }

    /** What the last room was asked for has been received, claimed and handed to the task threads. */
    void fetched() {
        lock.lock();
        try {
            if (askedAhead) {
                double took = Math.min(MAX_LEAD_MILLIS, clock.millis() - askedAt);
                fetchMillis = fetchMillis < 0 ? took : fetchMillis + (took - fetchMillis) / 4;
            }
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
            wakeIfRoomSooner(now);
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
            long now = clock.millis();
            if (held < window(now, 1)) {
                room.signal();
            } else {
                wakeIfRoomSooner(now); // the task's time moved the mean, and with it when the others come due
            }
            return held == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the tasks the worker holds are due to have ended within {@code millis}, by the job's mean run time:
     * those running end at the mean, those waiting go to the threads as they free. False if that is not known (no
     * mean yet, or a task running past twice the mean) or the worker holds none.
     */
    boolean dueToEmptyWithin(double millis) {
        lock.lock();
        try {
            double mean = times.meanMillis();
            int waiting = held - running.size();
            if (mean < 0 || held == 0 || (waiting * mean) / threads > millis) {
                return false;
            }
            long now = clock.millis();
            double[] freeIn = new double[Math.max(threads, running.size())];
            for (int i = 0; i < running.size(); i++) {
                long ran = now - running.get(i);
                if (ran >= 2 * mean) {
                    return false;
                }
                freeIn[i] = Math.max(0, mean - ran);
            }
            for (int t = 0; t < waiting; t++) {
                int first = 0;
                for (int i = 1; i < freeIn.length; i++) {
                    first = freeIn[i] < freeIn[first] ? i : first;
                }
                freeIn[first] += mean;
            }
            return Arrays.stream(freeIn).max().orElse(0) <= millis;
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

    /** The window, counting as due the long tasks that end within {@code leads} times the lead. */
    private int window(long now, int leads) {
        double mean = times.meanMillis();
        if (mean < 0) {
            return threads;
        }
        double lead = leadMillis();
        int ahead = (int) Math.min(MAX_AHEAD_PER_THREAD, lead / Math.max(mean, 1));
        if (ahead > 0) {
            return threads * (1 + ahead);
        }
        int due = 0;
        for (int i = 0; i < running.size(); i++) {
            if (due(now - running.get(i), mean, leads * lead)) {
                due++;
            }
        }
        return threads + due;
    }

    private double leadMillis() {
        double least = fetchAhead.toNanos() / 1e6;
        return fetchMillis < 0 ? least : Math.max(least, Math.min(MAX_LEAD_MILLIS, 2 * fetchMillis));
    }

    private static boolean due(long ranMillis, double mean, double lead) {
        return ranMillis >= mean - lead && ranMillis < 2 * mean;
    }

    /** Wakes the waiting poller if room comes sooner than it would wake by itself (a task began, the mean moved). */
    private void wakeIfRoomSooner(long now) {
        long in = untilRoom(now);
        if (in >= 0 && now + in < wakeAt) {
            room.signal();
        }
    }

    /**
     * Milliseconds until enough running tasks come due for room, or -1 if they never will by themselves (no mean
     * yet, short tasks, too few running): the tasks already fetched for come due without waking the poller.
     */
    private long untilRoom(long now) {
        double mean = times.meanMillis();
        double lead = leadMillis();
        int needed = held - threads + 1;
        if (mean < 0 || lead / Math.max(mean, 1) >= 1 || needed < 1) {
            return -1;
        }
        // no streams: this runs at every task's begin and end, on the thread that ends a task
        long[] dueIn = new long[running.size()];
        int n = 0;
        for (int i = 0; i < running.size(); i++) {
            long begun = running.get(i);
            if (now - begun < 2 * mean) {
                dueIn[n++] = (long) Math.ceil(begun + mean - lead - now);
            }
        }
        if (needed > n) {
            return -1;
        }
        Arrays.sort(dueIn, 0, n);
        return Math.max(1, dueIn[needed - 1]);
    }
}
