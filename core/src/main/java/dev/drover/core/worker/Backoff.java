package dev.drover.core.worker;

import java.time.Duration;

/** Delay before retrying after {@code failures} consecutive failures: 100 ms doubling to 5 s. */
public final class Backoff {
    private Backoff() {}

    public static Duration delayFor(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.min(5_000, 100L << Math.min(failures - 1, 6)));
    }

    static void pause(int failures) {
        try {
            Thread.sleep(delayFor(failures).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
