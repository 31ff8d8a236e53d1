package dev.drover.core.memory;

import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue in this JVM that behaves like SQS where Drover relies on it: visibility timeouts,
 * receive counts, receipts that change on every receive, at most 10 messages a receive,
 * long polling, a size limit and a dead-letter queue after {@code maxReceiveCount} receives.
 *
 * <p>It serves a simulated fleet of a thousand long-polling workers too: messages in flight are
 * kept in the order their visibility lapses, so a receive finds the lapsed ones without reading
 * the others, and only one waiting receive watches for lapses ({@link Receivers}).
 */
public final class InMemoryMessageQueue implements MessageQueue {
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

    private final Clock clock;
    private final int maxMessageBytes;
    private final int maxReceiveCount;
    private final MessageQueue deadLetters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Receivers receivers = new Receivers();
    private final ArrayDeque<Entry> visible = new ArrayDeque<>();
    private final Map<String, Entry> inFlight = new HashMap<>();
    /** The same entries, in the order their visibility lapses. */
    private final TreeSet<Entry> lapsing = new TreeSet<>(Comparator.comparingLong((Entry e) -> e.visibleAtMillis)
            .thenComparingLong(e -> e.seq));
    private final AtomicLong ids = new AtomicLong();

    private static final class Entry {
        final long seq;
        final String id;
        final String body;
        int receiveCount;
        String receipt;
        long visibleAtMillis;

        Entry(long seq, String body) {
            this.seq = seq;
            this.id = "m" + seq;
            this.body = body;
        }
    }

    /** A queue without a dead-letter queue. */
    public InMemoryMessageQueue(Clock clock) {
        this(clock, DEFAULT_MAX_MESSAGE_BYTES, Integer.MAX_VALUE, null);
    }

    public InMemoryMessageQueue(Clock clock, int maxMessageBytes, int maxReceiveCount, MessageQueue deadLetters) {
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
        this.maxReceiveCount = maxReceiveCount;
        this.deadLetters = deadLetters;
    }

    @Override
    public void send(List<String> bodies) {
        for (String body : bodies) {
            int size = body.getBytes(StandardCharsets.UTF_8).length;
            if (size > maxMessageBytes) {
                throw new IllegalArgumentException("message of " + size + " bytes is over the " + maxMessageBytes + " byte limit");
            }
        }
        lock.lock();
        Thread[] wake;
        try {
            for (String body : bodies) {
                visible.add(new Entry(ids.incrementAndGet(), body));
            }
            receivers.visible(bodies.size(), MAX_BATCH);
        } finally {
            wake = unlock();
        }
        Receivers.unpark(wake);
    }

    @Override
    public List<Message> receive(int max, Duration wait, Duration visibility) {
        int limit = Math.min(max, MAX_BATCH);
        long deadline = System.nanoTime() + wait.toNanos();
        List<Message> out = new ArrayList<>(limit);
        List<String> dead = new ArrayList<>();
        Receivers.Waiter me = null;
        Thread[] wake;
        lock.lock();
        try {
            while (true) {
                long now = clock.millis();
                returnExpired(now);
                long firstLapse = firstLapse();
                int free = receivers.mayTake(me, visible.size());
                if (me != null && receivers.leadsOthers(me)) {
                    // the leader only watches while others wait: what lapsed goes to one of them, drawn at random,
                    // not back to the leader (which may be the receive that turned it away a moment ago)
                    receivers.visible(free, MAX_BATCH);
                    free = 0;
                }
                for (; out.size() < limit && free > 0; free--) {
                    Entry e = visible.poll();
                    if (e.receiveCount >= maxReceiveCount) {
                        dead.add(e.body);
                        continue;
                    }
                    e.receiveCount++;
                    e.receipt = e.id + "#" + e.receiveCount;
                    e.visibleAtMillis = now + visibility.toMillis();
                    inFlight.put(e.id, e);
                    lapsing.add(e);
                    out.add(new Message(e.id, e.receipt, e.body, e.receiveCount));
                }
                lapsesSooner(firstLapse);
                long left = deadline - System.nanoTime();
                if (!out.isEmpty() || left <= 0 || Thread.currentThread().isInterrupted()) {
                    break;
                }
                if (me == null) {
                    me = new Receivers.Waiter();
                }
                long nanos = left;
                if (receivers.waitAs(me)) {
                    // the leader wakes by the next lapse, and at least every second (a test's clock may jump)
                    long wakeAt = Math.min(firstLapse(), now + 1000);
                    receivers.leaderWakesAt(wakeAt);
                    nanos = Math.min(left, TimeUnit.MILLISECONDS.toNanos(Math.max(1, wakeAt - now)));
                }
                Receivers.unpark(unlock());
                LockSupport.parkNanos(this, nanos);
                lock.lock();
            }
            if (me != null) {
                receivers.leave(me);
            }
            int free = receivers.mayTake(null, visible.size());
            if (free > 0) {
                receivers.visible(free, MAX_BATCH); // more than this receive took: others take it
            }
        } finally {
            wake = unlock();
        }
        Receivers.unpark(wake);
        if (!dead.isEmpty()) {
            deadLetters.send(dead);
        }
        return out;
    }

    /** Releases the lock; the receives to wake now that it is free. */
    private Thread[] unlock() {
        Thread[] wake = receivers.wakeAfterUnlock();
        lock.unlock();
        return wake;
    }

    /** Makes the messages whose visibility lapsed by {@code now} visible again, first in line; how many. */
    private int returnExpired(long now) {
        int n = 0;
        while (!lapsing.isEmpty() && lapsing.first().visibleAtMillis <= now) {
            Entry e = lapsing.pollFirst();
            inFlight.remove(e.id);
            visible.addFirst(e);
            n++;
        }
        return n;
    }

    private long firstLapse() {
        return lapsing.isEmpty() ? Long.MAX_VALUE : lapsing.first().visibleAtMillis;
    }

    /** The leader sleeps until the first lapse it knew of: one sooner than {@code before} may wake it. */
    private void lapsesSooner(long before) {
        long first = firstLapse();
        if (first < before) {
            receivers.firstLapse(first);
        }
    }

    @Override
    public void delete(List<Message> messages) {
        lock.lock();
        try {
            for (Message m : messages) {
                Entry e = inFlight.get(m.id());
                if (e != null && e.receipt.equals(m.receipt())) {
                    inFlight.remove(m.id());
                    lapsing.remove(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void changeVisibility(List<Message> messages, Duration visibility) {
        lock.lock();
        Thread[] wake;
        try {
            long now = clock.millis();
            long firstLapse = firstLapse();
            for (Message m : messages) {
                Entry e = inFlight.get(m.id());
                if (e != null && e.receipt.equals(m.receipt())) {
                    lapsing.remove(e);
                    e.visibleAtMillis = now + visibility.toMillis();
                    lapsing.add(e);
                }
            }
            receivers.visible(returnExpired(now), MAX_BATCH);
            lapsesSooner(firstLapse);
        } finally {
            wake = unlock();
        }
        Receivers.unpark(wake);
    }

    @Override
    public QueueDepth depth() {
        lock.lock();
        Thread[] wake;
        QueueDepth depth;
        try {
            receivers.visible(returnExpired(clock.millis()), MAX_BATCH);
            depth = new QueueDepth(visible.size(), inFlight.size());
        } finally {
            wake = unlock();
        }
        Receivers.unpark(wake);
        return depth;
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
