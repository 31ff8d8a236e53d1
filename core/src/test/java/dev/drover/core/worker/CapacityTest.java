package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CapacityTest {
    final TaskTimes times = new TaskTimes();
    final Capacity capacity = new Capacity(4, Duration.ofMillis(100), times);

    @Test
    void asksForOneBundlePerFreeThreadUntilTasksAreKnownToBeShort() throws Exception {
        assertEquals(4, capacity.awaitRoom());
        capacity.hold(3);
        assertEquals(1, capacity.awaitRoom());
        capacity.hold(1);
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return capacity.awaitRoom();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(150);
        assertFalse(waiting.isDone(), "full: no fetch-ahead before a task time is known");
        assertFalse(capacity.release());
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
        assertFalse(capacity.release());
        assertTrue(capacity.release());
        assertTrue(capacity.isEmpty());
        capacity.hold(4);
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return capacity.awaitRoom();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        capacity.close();
        assertEquals(0, waiting.get(2, TimeUnit.SECONDS));
    }
}
