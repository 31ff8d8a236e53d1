package dev.drover.core.memory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The receives waiting on an {@link InMemoryMessageQueue}, used under its lock. One of them, the leader,
 * watches for visibility timeouts to lapse; the others sleep until a message is handed to them or their
 * long poll ends. A message that becomes visible wakes one of them, not all: a thousand receives that each
 * woke at every lapse (and at least once a second) spent their time handing the queue's lock to each other,
 * and a timed wait of a thousand on one {@code Condition} pays for every timeout with a walk of all of them.
 * Threads are unparked once the lock is released ({@link #wakeAfterUnlock}), so they do not wake onto a
 * held lock.
 */
final class Receivers {
    /** A receive that waits. */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
    }

    private static final Thread[] NONE = {};

    /** Waiting receives but the leader, oldest first. */
    private final LinkedHashSet<Waiter> followers = new LinkedHashSet<>();
    private final List<Thread> toWake = new ArrayList<>();
    private Waiter leader;
    /** When the leader wakes by itself (clock millis). */
    private long leaderWakeAt = Long.MAX_VALUE;

    /** {@code w} waits (again); true if it leads, and must wake by itself for the next lapse. */
    boolean waitAs(Waiter w) {
        if (leader == null || leader == w) {
            leader = w;
            return true;
        }
        followers.add(w);
        return false;
    }

    /** The leader will wake by itself at {@code millis} (clock millis). */
    void leaderWakesAt(long millis) {
        leaderWakeAt = millis;
    }

    /** {@code w}'s receive returns: a leader hands its role to the oldest follower, which wakes to take it up. */
    void leave(Waiter w) {
        followers.remove(w);
        if (leader != w) {
            return;
        }
        leader = null;
        leaderWakeAt = Long.MAX_VALUE;
        Waiter next = pollOldest();
        if (next != null) {
            leader = next;
            toWake.add(next.thread);
        }
    }

    /**
     * Messages became visible: wakes a receive for each batch of {@code perReceive}, followers first (the leader
     * keeps watching); one that finds more than it takes wakes the next.
     */
    void visible(int messages, int perReceive) {
        for (int left = messages; left > 0; left -= perReceive) {
            Waiter f = pollOldest();
            if (f == null) {
                if (leader != null && leader.thread != Thread.currentThread()) {
                    toWake.add(leader.thread);
                }
                return;
            }
            toWake.add(f.thread);
        }
    }

    /** The first lapse is now at {@code millis}: the leader wakes for it if it would sleep past it. */
    void firstLapse(long millis) {
        if (leader != null && millis < leaderWakeAt && leader.thread != Thread.currentThread()) {
            leaderWakeAt = millis;
            toWake.add(leader.thread);
        }
    }

    /** The threads to wake, taken under the lock; unpark them once it is released. */
    Thread[] wakeAfterUnlock() {
        if (toWake.isEmpty()) {
            return NONE;
        }
        Thread[] wake = toWake.toArray(NONE);
        toWake.clear();
        return wake;
    }

    static void unpark(Thread[] threads) {
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    private Waiter pollOldest() {
        Iterator<Waiter> it = followers.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Waiter w = it.next();
        it.remove();
        return w;
    }
}
