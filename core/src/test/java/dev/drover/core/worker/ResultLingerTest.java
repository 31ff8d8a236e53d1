package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How long results wait for others to share their message: longer for long tasks, within bounds. */
class ResultLingerTest {
    private static long millis(Duration configured, double meanMillis) {
        return TimeUnit.NANOSECONDS.toMillis(ResultLinger.lingerNanos(configured, meanMillis));
    }

    @Test
    void shortTasksAndUnknownTimesKeepTheConfiguredLinger() {
        Duration linger = Duration.ofMillis(250);
        assertEquals(250, millis(linger, -1), "no task has ended yet");
        assertEquals(250, millis(linger, 10));
        assertEquals(250, millis(linger, 500), "half of 500 ms is the configured linger itself");
    }

    @Test
    void longTasksLingerHalfTheirTimeAtMostASecond() {
        Duration linger = Duration.ofMillis(250);
        assertEquals(500, millis(linger, 1_000));
        assertEquals(1_000, millis(linger, 2_000));
        assertEquals(1_000, millis(linger, 60_000));
        assertEquals(3_000, millis(Duration.ofSeconds(3), 60_000), "a longer configured linger is kept");
    }

    @Test
    void aZeroLingerStaysZero() {
        assertEquals(0, millis(Duration.ZERO, 10_000));
    }

    // the worker's last tasks: 30 ms tasks on a clock that stands still, so they are due 30 ms from "now" throughout
    private final TaskTimes times = new TaskTimes();
    private final Capacity capacity = new Capacity(4, Duration.ofMillis(100), times,
            new MutableClock(Instant.parse("2026-12-07T00:00:00Z")));
    private final ResultLinger linger = new ResultLinger(
            WorkerConfig.defaults("w", 4, Duration.ZERO).withResultLinger(Duration.ofMillis(20)), capacity, times);
    private final ScheduledExecutorService ender = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        ender.shutdownNow();
    }

    /** Two tasks of a 30 ms mean run (held and begun); they end together after {@code endMillis} of real time. */
    private void lastTasksEndAfter(int held, long endMillis) {
        times.bundleOf("j");
        times.ran("j", 30);
        capacity.hold(held);
        long a = capacity.begin();
        long b = capacity.begin();
        ender.schedule(() -> {
            capacity.release(a);
            if (capacity.release(b)) {
                linger.tasksEnded();
            }
        }, endMillis, TimeUnit.MILLISECONDS);
    }

    @Test
    void whenTheLastTasksAreDueWithinASendTheLingerWaitsForThem() throws Exception {
        linger.sent(TimeUnit.SECONDS.toNanos(2));
        lastTasksEndAfter(2, 300);
        long start = System.nanoTime();
        linger.linger();
        assertTrue(capacity.isEmpty(), "their results go in this message, not in one after it");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(290));
    }

    @Test
    void lastTasksDueLaterThanASendTakesDoNotHoldTheMessage() throws Exception {
        linger.sent(TimeUnit.MILLISECONDS.toNanos(10));
        lastTasksEndAfter(2, 5_000);
        long start = System.nanoTime();
        linger.linger();
        assertFalse(capacity.isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "the linger ended at its own time");
    }

    @Test
    void tasksWaitingToBeginAreNotTheLastOnes() throws Exception {
        linger.sent(TimeUnit.SECONDS.toNanos(10));
        lastTasksEndAfter(3, 5_000); // three held, two begun
        long start = System.nanoTime();
        linger.linger();
        assertFalse(capacity.isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
    }

    @Test
    void withNoSendMeasuredTheLingerEndsAtItsTime() throws Exception {
        lastTasksEndAfter(2, 5_000);
        long start = System.nanoTime();
        linger.linger();
        assertFalse(capacity.isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
    }
}
