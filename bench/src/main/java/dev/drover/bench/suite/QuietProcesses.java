package dev.drover.bench.suite;

import java.time.Duration;

/**
 * Waits until the processes the bench started (worker processes, emulators) are idle: their CPU time
 * together grows by less than {@link #QUIET_NANOS} in a window of {@link #WINDOW_MILLIS}. A measured remote
 * job starts then, not while the fleet still compiles and finishes its warm-up jobs (a fresh worker's JIT and
 * its last results and deletes ran into the first tenths of a second of the job measured after it). The
 * operating system counts a process's CPU in clock ticks (10 ms on Linux), hence the long window.
 */
final class QuietProcesses {
    /** Idle workers and emulators take a tick or two in a window (timers, long polls); warm-up's ends take tens. */
    private static final long QUIET_NANOS = 30_000_000;
    private static final long WINDOW_MILLIS = 400;

    private QuietProcesses() {}

    /** Returns once the processes were quiet for a window, or after {@code max} at most. */
    static void await(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long before = cpuNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(WINDOW_MILLIS);
            long now = cpuNanos();
            if (now - before < QUIET_NANOS) {
                return;
            }
            before = now;
        }
    }

    /** The CPU time of every process this JVM started and theirs (0 for one that has ended meanwhile). */
    private static long cpuNanos() {
        return ProcessHandle.current().descendants()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }
}
