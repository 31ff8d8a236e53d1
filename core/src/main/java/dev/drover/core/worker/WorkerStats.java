package dev.drover.core.worker;

import java.util.List;

/**
 * What a worker did in its life, reported when it exits.
 *
 * @param notHandedBack what its stop could not hand back (e.g. {@code result j/3}, {@code bundle j:0},
 *                      {@code message j:0}): their leases lapse and their tasks run again elsewhere
 */
public record WorkerStats(String workerId, long startedAt, long stoppedAt, long tasksRun, long bundlesRun,
                          long duplicatesSkipped, ExitReason exitReason, List<String> notHandedBack) {
    public WorkerStats {
        notHandedBack = List.copyOf(notHandedBack);
    }

    public double lifetimeSeconds() {
        return (stoppedAt - startedAt) / 1000.0;
    }
}
