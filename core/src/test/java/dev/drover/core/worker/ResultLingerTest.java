package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
}
