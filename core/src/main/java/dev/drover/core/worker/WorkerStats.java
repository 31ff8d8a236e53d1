package dev.drover.core.worker;

/** What a worker did in its life, reported when it exits. */
public record WorkerStats(String workerId, long startedAt, long stoppedAt, long tasksRun, long bundlesRun,
                          long duplicatesSkipped, ExitReason exitReason) {
    public double lifetimeSeconds() {
        return (stoppedAt - startedAt) / 1000.0;
    }
}
