package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The worker holds {@code held} tasks of a 30 ms mean, two of them begun; all have ended after {@code endMillis}
     * of real time.
     */
    private void heldTasksEndAfter(int held, long endMillis) {
        times.bundleOf("j");
        times.ran("j", 30);
        capacity.hold(held);
        long a = capacity.begin();
        long b = capacity.begin();
        ender.schedule(() -> {
            List<Long> begun = new ArrayList<>(List.of(a, b));
            for (int i = 2; i < held; i++) {
                begun.add(capacity.begin());
            }
            begun.forEach(capacity::release);
            linger.tasksEnded(); // as the worker's last task thread does
        }, endMillis, TimeUnit.MILLISECONDS);
    }

    @Test
    void whenTheLastTasksAreDueWithinTwoSendsTheLingerWaitsForThem() throws Exception {
        linger.sent(TimeUnit.SECONDS.toNanos(2));
        heldTasksEndAfter(2, 300);
        long start = System.nanoTime();
        linger.linger();
        assertTrue(capacity.isEmpty(), "their results go in this message, not in one after it");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(290));
    }

    @Test
    void tasksWaitingToBeginCountAtTheMeanOnTheThreadsAsTheyFree() throws Exception {
        linger.sent(TimeUnit.SECONDS.toNanos(2));
        heldTasksEndAfter(6, 300); // two idle threads take two at once; two more follow the running ones: due in 60 ms
        linger.linger();
        assertTrue(capacity.isEmpty());
    }

    @Test
    void lastTasksDueLaterThanTwoSendsTakeDoNotHoldTheMessage() throws Exception {
        linger.sent(TimeUnit.MILLISECONDS.toNanos(10)); // two sends: 20 ms, short of the 30 ms tasks
        heldTasksEndAfter(2, 5_000);
        long start = System.nanoTime();
        linger.linger();
        assertFalse(capacity.isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "the linger ended at its own time");
    }

    @Test
    void manyTasksWaitingAreNotDueWithinTwoSends() throws Exception {
        linger.sent(TimeUnit.MILLISECONDS.toNanos(100)); // two sends: 200 ms
        heldTasksEndAfter(42, 5_000); // 40 waiting x 30 ms over 4 threads: 300 ms
        long start = System.nanoTime();
        linger.linger();
        assertFalse(capacity.isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
    }

    @Test
    void withNoSendMeasuredTheLingerEndsAtItsTime() throws Exception {
        heldTasksEndAfter(2, 5_000);
        long start = System.nanoTime();
        linger.linger();
        assertFalse(capacity.isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
    }
}
