package dev.drover.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How waiting receives share the in-memory queue: what is sent or lapses while they wait reaches them, one message to one receive. */
class InMemoryMessageQueueTest {
    private static final Duration LONG_POLL = Duration.ofSeconds(20);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryMessageQueue queue = new InMemoryMessageQueue(clock);

    @Test
    void everyWaitingReceiveGetsOneOfTheMessagesSentWhileItWaits() throws Exception {
        int receivers = 40;
        ExecutorService pool = Executors.newFixedThreadPool(receivers);
        try {
            ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                done.add(CompletableFuture.runAsync(() -> queue.receive(1, LONG_POLL, Duration.ofSeconds(30))
                        .forEach(m -> got.add(m.body())), pool));
            }
            awaitWaiting(receivers);
            for (int i = 0; i < receivers; i += 7) { // sends of several messages, each wakes as many receives as it needs
                queue.send(IntStream.range(i, Math.min(receivers, i + 7)).mapToObj(n -> "m" + n).toList());
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertEquals(receivers, got.size());
            assertEquals(receivers, got.stream().distinct().count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLapseAfterTheFirstWaitingReceiveReturnedReachesTheOneThatWaitsOn() throws Exception {
        queue.send(List.of("x"));
        Message first = queue.receive(1, Duration.ZERO, Duration.ofSeconds(30)).get(0);
        // a lapse after the receive that waited first has returned still reaches the one that waits on
        CompletableFuture<List<Message>> shortPoll = CompletableFuture.supplyAsync(() -> queue.receive(1, Duration.ofMillis(300),
                Duration.ofSeconds(30)));
        awaitWaiting(1);
        CompletableFuture<List<Message>> longPoll = CompletableFuture.supplyAsync(() -> queue.receive(1, LONG_POLL, Duration.ofSeconds(30)));
        assertTrue(shortPoll.get(10, TimeUnit.SECONDS).isEmpty());
        clock.advance(Duration.ofSeconds(31));
        List<Message> again = longPoll.get(10, TimeUnit.SECONDS);
        assertEquals(first.id(), again.get(0).id());
        assertEquals(2, again.get(0).receiveCount());
    }

    @Test
    void aVisibilityMadeShorterWakesAWaitingReceive() throws Exception {
        queue.send(List.of("y"));
        Message m = queue.receive(1, Duration.ZERO, Duration.ofSeconds(30)).get(0);
        CompletableFuture<List<Message>> poll = CompletableFuture.supplyAsync(() -> queue.receive(1, LONG_POLL, Duration.ofSeconds(30)));
        awaitWaiting(1);
        queue.changeVisibility(List.of(m), Duration.ZERO);
        assertEquals("y", poll.get(10, TimeUnit.SECONDS).get(0).body());
    }

    @Test
    void aMessageTurnedAwayAgainAndAgainReachesAnotherReceiveThatPollsAsOften() throws Exception {
        // as scheduler replicas' collectors: one hides a result of another's job for as long as each of them polls;
        // the other receive, polling as often, must get it at some lapse, not the one that hides it every time
        Duration poll = Duration.ofMillis(200);
        MessageQueue shared = new InMemoryMessageQueue(Clock.systemUTC());
        shared.send(List.of("not mine"));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> turnedAway = new CompletableFuture<>();
        Thread turnsAway = new Thread(() -> {
            while (!stop.get()) {
                List<Message> got = shared.receive(1, poll, LONG_POLL);
                if (!got.isEmpty()) {
                    shared.changeVisibility(got, poll);
                    turnedAway.complete(null);
                }
            }
        }, "turns-away");
        turnsAway.start();
        try {
            turnedAway.get(10, TimeUnit.SECONDS);
            List<Message> owner = shared.receive(1, poll.dividedBy(2), LONG_POLL); // so the two polls end apart
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // some 25 lapses
            while (owner.isEmpty() && System.nanoTime() < deadline) {
                owner = shared.receive(1, poll, LONG_POLL);
            }
            assertEquals(List.of("not mine"), owner.stream().map(Message::body).toList());
        } finally {
            stop.set(true);
            turnsAway.join();
        }
    }

    @Test
    void anInterruptedReceiveReturnsAndKeepsItsInterrupt() throws Exception {
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            queue.receive(1, LONG_POLL, Duration.ofSeconds(30));
            interrupted.complete(Thread.currentThread().isInterrupted());
        });
        t.start();
        awaitWaiting(1);
        t.interrupt();
        assertTrue(interrupted.get(10, TimeUnit.SECONDS));
    }

    /** Until {@code n} receives are parked in the queue (a condition to wait for, not a time). */
    private void awaitWaiting(int n) throws InterruptedException {
        for (int i = 0; i < 10_000 && parkedInQueue() < n; i++) {
            Thread.sleep(1);
        }
        assertTrue(parkedInQueue() >= n, "receives waiting: " + parkedInQueue());
    }

    private static long parkedInQueue() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.TIMED_WAITING && Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().equals(InMemoryMessageQueue.class.getName()) && f.getMethodName().equals("receive")))
                .count();
    }
}
