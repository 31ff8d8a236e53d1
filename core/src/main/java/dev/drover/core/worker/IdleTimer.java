package dev.drover.core.worker;

import java.time.Clock;
import java.time.Duration;

/** When the worker last had something to do, and whether it has had nothing for its idle timeout. */
final class IdleTimer {
    private final Duration timeout;
    private final Clock clock;
    private volatile long lastBusyMillis;

    IdleTimer(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
        this.lastBusyMillis = clock.millis();
    }

    void busy() {
        lastBusyMillis = clock.millis();
    }

    /** Zero timeout means never idle. The caller checks that it holds no work. */
    boolean expired() {
        return !timeout.isZero() && clock.millis() - lastBusyMillis >= timeout.toMillis();
    }
}
