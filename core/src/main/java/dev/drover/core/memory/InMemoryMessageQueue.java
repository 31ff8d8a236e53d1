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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue in this JVM that behaves like SQS where Drover relies on it: visibility timeouts,
 * receive counts, receipts that change on every receive, at most 10 messages a receive,
 * long polling, a size limit and a dead-letter queue after {@code maxReceiveCount} receives.
 *
 * <p>It serves a simulated fleet of a thousand long-polling workers too: messages in flight are
 * kept in the order their visibility lapses, so a receive finds the lapsed ones without reading
 * the others, and a message that becomes visible wakes one waiting receive, not all of them.
 */
public final class InMemoryMessageQueue implements MessageQueue {
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

    private final Clock clock;
    private final int maxMessageBytes;
    private final int maxReceiveCount;
    private final MessageQueue deadLetters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
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
        try {
            for (String body : bodies) {
                visible.add(new Entry(ids.incrementAndGet(), body));
            }
            wake(bodies.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Message> receive(int max, Duration wait, Duration visibility) {
        int limit = Math.min(max, MAX_BATCH);
        long deadline = System.nanoTime() + wait.toNanos();
        List<Message> out = new ArrayList<>(limit);
        List<String> dead = new ArrayList<>();
        lock.lock();
        try {
            while (true) {
                long now = clock.millis();
                returnExpired(now);
                long firstLapse = firstLapse();
                while (out.size() < limit && !visible.isEmpty()) {
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
                if (!out.isEmpty() || left <= 0) {
                    if (!visible.isEmpty()) {
                        arrived.signal(); // more than this receive took: the next waiting one takes it
                    }
                    break;
                }
                // wake by the next lapse of a visibility timeout, and at least every second (a test's clock may jump);
                // a thousand receives waking often would spend their time handing the lock to each other
                long lapse = TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(firstLapse(), now + 1000) - now));
                arrived.await(Math.min(left, lapse), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (!dead.isEmpty()) {
            deadLetters.send(dead);
        }
        return out;
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

    /** Waiting receives sleep until the first lapse they knew of: one sooner than {@code before} makes them look again. */
    private void lapsesSooner(long before) {
        if (firstLapse() < before) {
            arrived.signalAll();
        }
    }

    /** Wakes as many waiting receives as messages became visible (each takes what it can). */
    private void wake(int messages) {
        for (int i = 0; i < messages; i++) {
            arrived.signal();
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
            wake(returnExpired(now));
            lapsesSooner(firstLapse);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public QueueDepth depth() {
        lock.lock();
        try {
            wake(returnExpired(clock.millis()));
            return new QueueDepth(visible.size(), inFlight.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
