package dev.drover.core;

import java.time.Duration;

/**
 * The one way Drover's loops wait after a failure: exponential backoff from {@code first} up to
 * {@code max}, {@code throttleFactor} times longer when the service throttles, reset by the
 * caller on success. A {@link InfrastructureException.Kind#PERMANENT} failure is not retried:
 * the caller gives up on that piece of work (or stops cleanly) instead of looping forever.
 */
public record RetryPolicy(Duration first, Duration max, int throttleFactor) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), 4);

    /** Whether trying again may help: anything but an infrastructure failure known to be permanent. */
    public static boolean retryable(Throwable e) {
        return !(e instanceof InfrastructureException ie) || ie.retryable();
    }

    /** The delay after {@code failures} consecutive failures, the last of which was {@code last}. */
    public Duration delayFor(int failures, Throwable last) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long millis = Math.min(max.toMillis(), first.toMillis() << Math.min(failures - 1, 20));
        boolean throttled = last instanceof InfrastructureException ie && ie.kind() == InfrastructureException.Kind.THROTTLED;
        return Duration.ofMillis(throttled ? millis * throttleFactor : millis);
    }

    /** Sleeps {@link #delayFor}; returns false (interrupt flag set) if interrupted. */
    public boolean pause(int failures, Throwable last) {
        try {
            Thread.sleep(delayFor(failures, last).toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
