package dev.drover.bench.suite;

import java.time.Duration;

/**
 * Waits until the processes the bench started (worker processes, emulators) are idle: their CPU time together
 * ({@link SchedStat}) grows by less than {@link #QUIET_NANOS} in a window of {@link #WINDOW_MILLIS}. A measured
 * remote job starts then, not while the warm-up's last results, deletes and saves still run in them.
 */
final class QuietProcesses {
    /** An idle fleet and its emulators (long polls, timers) take a few milliseconds a window. */
    private static final long QUIET_NANOS = 15_000_000;
    private static final long WINDOW_MILLIS = 300;

    private QuietProcesses() {}

    /** Returns once the processes were quiet for a window, or after {@code max} at most. */
    static void await(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long before = SchedStat.descendantsNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(WINDOW_MILLIS);
            long now = SchedStat.descendantsNanos();
            if (now - before < QUIET_NANOS) {
                return;
            }
            before = now;
        }
    }
}
