package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CapacityTest {
    final TaskTimes times = new TaskTimes();
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    final Capacity capacity = new Capacity(4, Duration.ofMillis(100), times, clock);

    CompletableFuture<Integer> awaitRoom() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return capacity.awaitRoom();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void asksForOneBundlePerFreeThreadUntilTasksAreKnownToBeShort() throws Exception {
        assertEquals(4, capacity.awaitRoom());
        capacity.hold(3);
        assertEquals(1, capacity.awaitRoom());
        capacity.hold(1);
        CompletableFuture<Integer> waiting = awaitRoom();
        Thread.sleep(150);
        assertFalse(waiting.isDone(), "full: no fetch-ahead before a task time is known");
        assertFalse(capacity.release(capacity.begin()));
        assertEquals(1, waiting.get(2, TimeUnit.SECONDS));
    }

    @Test
    void fetchesAheadForShortTasksInBundlesOfTheLastSize() throws Exception {
        times.bundleOf("j");
        times.ran("j", 10); // 100 ms ahead / 10 ms = 10 tasks ahead per thread: window 44
        capacity.hold(20);
        assertEquals(2, capacity.awaitRoom(), "(44 - 20) / 20 rounded up");
    }

    @Test
    void slowFetchesAheadLengthenTheLeadButAFetchFromNothingHeldDoesNot() throws Exception {
        times.bundleOf("j");
        times.ran("j", 10); // 100 ms lead / 10 ms: window 44
        assertEquals(4, capacity.awaitRoom());
        clock.advance(Duration.ofSeconds(20)); // a long poll that waited for work: not a fetch's round trip
        capacity.fetched();
        capacity.hold(20);
        assertEquals(2, capacity.awaitRoom(), "window still 44: (44 - 20) / 20 rounded up");
        clock.advance(Duration.ofMillis(150)); // a fetch ahead of 150 ms: the lead is 300 ms, window 4 × 31 = 124
        capacity.fetched();
        capacity.hold(20);
        assertEquals(5, capacity.awaitRoom(), "(124 - 40) / 20 rounded up");
        clock.advance(Duration.ofSeconds(30)); // counted as 500 ms, averaged: 150 + (500 - 150) / 4 = 237.5, lead 475 ms
        capacity.fetched();
        capacity.hold(20);
        assertEquals(7, capacity.awaitRoom(), "window 4 × (1 + 47) = 192: (192 - 60) / 20 rounded up");
        for (int i = 0; i < 20; i++) { // slow fetches for good: the lead stays at 500 ms, window 4 × 51 = 204
            clock.advance(Duration.ofSeconds(30));
            capacity.fetched();
            capacity.awaitRoom();
        }
        assertEquals(8, capacity.awaitRoom(), "(204 - 60) / 20 rounded up");
    }

    @Test
    void releaseSaysWhenNothingIsHeldAndCloseWakesThePoller() throws Exception {
        capacity.hold(2);
        assertFalse(capacity.release(capacity.begin()));
        assertTrue(capacity.release(capacity.begin()));
        assertTrue(capacity.isEmpty());
        capacity.hold(4);
        CompletableFuture<Integer> waiting = awaitRoom();
        capacity.close();
        assertEquals(0, waiting.get(2, TimeUnit.SECONDS));
    }

    @Test
    void aLongTaskDueToEndWithinTheLeadMakesRoomForTheNextOneButAStuckOneDoesNot() throws Exception {
        times.bundleOf("j");
        times.ran("j", 1000); // longer than the 100 ms lead: no fetch-ahead by count
        capacity.hold(4);
        long[] begun = new long[4];
        for (int i = 0; i < 4; i++) {
            begun[i] = capacity.begin();
        }
        clock.advance(Duration.ofMillis(850));
        CompletableFuture<Integer> waiting = awaitRoom();
        Thread.sleep(250);
        assertFalse(waiting.isDone(), "850 ms into 1 s tasks: none due within 100 ms");
        clock.advance(Duration.ofMillis(60));
        assertEquals(1, waiting.get(2, TimeUnit.SECONDS), "910 ms in: all four due, one bundle of the last size (4)");
        capacity.hold(4);
        assertFalse(capacity.release(begun[0]));
        clock.advance(Duration.ofMillis(1200)); // 2.1 s: the three still running are stuck, not due
        CompletableFuture<Integer> stuck = awaitRoom();
        Thread.sleep(250);
        assertFalse(stuck.isDone(), "7 held against 4 threads and none due");
        capacity.close();
        assertEquals(0, stuck.get(2, TimeUnit.SECONDS));
    }

    @Test
    void aFullWorkerWithNothingComingDueWaitsUntilATaskEndsWithoutWakingMeanwhile() throws Exception {
        capacity.hold(4);
        for (int i = 0; i < 4; i++) {
            capacity.begin();
        }
        Thread poller = new Thread(() -> {
            try {
                capacity.awaitRoom();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        poller.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (poller.getState() != Thread.State.WAITING && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(Thread.State.WAITING, poller.getState(), "no task time known yet: only a task's end can make room");
        capacity.release(capacity.begin());
        poller.join(2000);
        assertFalse(poller.isAlive());
    }

    @Test
    void oneWakeAndOneReceiveServeEveryThreadDueWithinTwiceTheLeadAndTheirDueTimesWakeNoOne() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Clock counted = new Clock() {
            @Override
            public ZoneId getZone() {
                return clock.getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                reads.incrementAndGet();
                return clock.instant();
            }
        };
        Capacity c = new Capacity(4, Duration.ofMillis(100), times, counted);
        times.bundleOf("j");
        times.ran("j", 1000);
        for (long step : new long[] {0, 30, 120, 450}) { // begun at 0, 30, 150, 600 ms: due at 900, 930, 1050, 1500 ms
            clock.advance(Duration.ofMillis(step));
            c.hold(1);
            c.begin();
        }
        clock.advance(Duration.ofMillis(300)); // 900 ms
        assertEquals(2, c.awaitRoom(), "the first due and the one ending 30 ms after it: one receive for both");
        c.hold(1);
        c.hold(1);
        clock.advance(Duration.ofMillis(10)); // 910 ms: the second is due now too, and was fetched for
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return c.awaitRoom();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        int before = reads.get();
        Thread.sleep(100);
        assertFalse(waiting.isDone());
        assertTrue(reads.get() - before <= 1, "it waits for the third (140 ms), not for the second: " + (reads.get() - before));
        clock.advance(Duration.ofMillis(150)); // 1060 ms: the third is due
        assertEquals(1, waiting.get(2, TimeUnit.SECONDS));
    }

    @Test
    void aTaskBeginningWhileThePollerWaitsForAnEndWakesItToWaitForTheTasksDueTimeInstead() throws Exception {
        times.bundleOf("j");
        times.ran("j", 300); // due 100 ms before their end, 200 ms in
        capacity.hold(4); // received, not begun yet (a thread pool starts them a moment later)
        CompletableFuture<Integer> waiting = awaitRoom();
        Thread.sleep(100);
        for (int i = 0; i < 4; i++) {
            capacity.begin();
        }
        clock.advance(Duration.ofMillis(250));
        assertEquals(1, waiting.get(2, TimeUnit.SECONDS), "room for the four due, in one bundle of the last size");
    }
}
