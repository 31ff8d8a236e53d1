package dev.drover.core.memory;

import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue in this JVM that behaves like SQS where Drover relies on it: visibility timeouts,
 * receive counts, receipts that change on every receive, at most 10 messages a receive,
 * long polling, a size limit and a dead-letter queue after {@code maxReceiveCount} receives.
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
    private final Map<String, Entry> inFlight = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private static final class Entry {
        final String id;
        final String body;
        int receiveCount;
        String receipt;
        long visibleAtMillis;

        Entry(String id, String body) {
            this.id = id;
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
                visible.add(new Entry("m" + ids.incrementAndGet(), body));
            }
            arrived.signalAll();
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
                    out.add(new Message(e.id, e.receipt, e.body, e.receiveCount));
                }
                long left = deadline - System.nanoTime();
                if (!out.isEmpty() || left <= 0) {
                    break;
                }
                // wake at least every 20 ms so that lapsing visibility timeouts are noticed
                arrived.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
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

    private void returnExpired(long now) {
        for (Iterator<Entry> it = inFlight.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.visibleAtMillis <= now) {
                it.remove();
                visible.addFirst(e);
            }
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
            for (Message m : messages) {
                Entry e = inFlight.get(m.id());
                if (e != null && e.receipt.equals(m.receipt())) {
                    e.visibleAtMillis = now + visibility.toMillis();
                }
            }
            returnExpired(now);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public QueueDepth depth() {
        lock.lock();
        try {
            returnExpired(clock.millis());
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
