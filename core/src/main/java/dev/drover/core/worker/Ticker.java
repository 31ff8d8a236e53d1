package dev.drover.core.worker;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs one action at a fixed delay on its own named thread, so no other periodic call can hold it up. */
final class Ticker {
    private final ScheduledExecutorService thread;

    Ticker(String name, Duration every, Runnable action) {
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Worker.daemon(r, name));
        long millis = Math.max(1, every.toMillis());
        thread.scheduleWithFixedDelay(action, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        thread.shutdownNow();
    }
}
