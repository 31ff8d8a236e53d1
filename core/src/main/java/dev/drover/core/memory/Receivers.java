package dev.drover.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The receives waiting on an {@link InMemoryMessageQueue}, used under its lock. One of them, the leader,
 * watches for visibility timeouts to lapse; the others sleep until a message is handed to them or their
 * long poll ends. A message that becomes visible, sent or lapsed, wakes one of them, not all: a thousand
 * receives that each woke at every lapse (and at least once a second) spent their time handing the queue's
 * lock to each other, and a timed wait of a thousand on one {@code Condition} pays for every timeout with a
 * walk of all of them. Threads are unparked once the lock is released ({@link #wakeAfterUnlock}), so they do
 * not wake onto a held lock.
 *
 * <p>While others wait the leader takes nothing; the follower a message goes to is drawn at random, as SQS
 * hands a message to any of the receives polling it, and the messages it is woken for are kept for it. A
 * message that one receive keeps turning away (a scheduler replica hiding another's result for as long as
 * each polls) went back to that receive at nearly every lapse otherwise: as the oldest waiting receive it led
 * when the message lapsed, or it was still running when the one woken for the message came to take it.
 */
final class Receivers {
    /** A receive that waits. */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
        /** Where it is in {@link #followers}; -1 if it is not there. */
        private int index = -1;
        /** Visible messages kept for it since it was woken for them. */
        private int kept;
    }

    private static final Thread[] NONE = {};

    /** Waiting receives but the leader, in no order. */
    private final List<Waiter> followers = new ArrayList<>();
    private final List<Thread> toWake = new ArrayList<>();
    private Waiter leader;
    /** Visible messages kept for the receives woken for them, so that a receive still running does not take them first. */
    private int kept;
    /** When the leader wakes by itself (clock millis). */
    private long leaderWakeAt = Long.MAX_VALUE;

    /** {@code w} waits (again); true if it leads, and must wake by itself for the next lapse. */
    boolean waitAs(Waiter w) {
        if (leader == null || leader == w) {
            leader = w;
            return true;
        }
        if (w.index < 0) {
            w.index = followers.size();
            followers.add(w);
        }
        return false;
    }

    /**
     * {@code w}, null for a receive that has not waited yet, looks at the queue's {@code visible} messages:
     * how many it may take, those kept for it among them.
     */
    int mayTake(Waiter w, int visible) {
        if (w != null) {
            kept -= w.kept;
            w.kept = 0;
        }
        return visible - kept;
    }

    /** Whether {@code w} leads others: it only watches then, and hands what it finds visible to one of them. */
    boolean leadsOthers(Waiter w) {
        return leader == w && !followers.isEmpty();
    }

    /** The leader will wake by itself at {@code millis} (clock millis). */
    void leaderWakesAt(long millis) {
        leaderWakeAt = millis;
    }

    /** {@code w}'s receive returns: a leader hands its role to a follower, which wakes to take it up. */
    void leave(Waiter w) {
        remove(w);
        if (leader != w) {
            return;
        }
        leader = null;
        leaderWakeAt = Long.MAX_VALUE;
        Waiter next = pollAny();
        if (next != null) {
            leader = next;
            toWake.add(next.thread);
        }
    }

    /**
     * Messages became visible: wakes a receive for each batch of {@code perReceive}, followers first (the leader
     * keeps watching), and keeps the batch for it; one that finds more than it takes wakes the next.
     */
    void visible(int messages, int perReceive) {
        for (int left = messages; left > 0; left -= perReceive) {
            Waiter f = pollAny();
            if (f == null) {
                if (leader != null && leader.thread != Thread.currentThread()) {
                    toWake.add(leader.thread);
                }
                return;
            }
            int batch = Math.min(left, perReceive);
            f.kept += batch;
            kept += batch;
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

    /** A follower drawn at random, no longer one; null if there are none. */
    private Waiter pollAny() {
        if (followers.isEmpty()) {
            return null;
        }
        Waiter w = followers.get(ThreadLocalRandom.current().nextInt(followers.size()));
        remove(w);
        return w;
    }

    private void remove(Waiter w) {
        if (w.index < 0) {
            return;
        }
        Waiter last = followers.remove(followers.size() - 1);
        if (last != w) {
            followers.set(w.index, last);
            last.index = w.index;
        }
        w.index = -1;
    }
}
