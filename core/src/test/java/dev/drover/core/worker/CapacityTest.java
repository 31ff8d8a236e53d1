package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
}
