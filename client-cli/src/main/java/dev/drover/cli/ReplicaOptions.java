package dev.drover.cli;

import dev.drover.core.workload.Durations;
import dev.drover.scheduler.replica.ReplicaTiming;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code drover scheduler --replica}: one of several schedulers on one stack, and its lease. */
final class ReplicaOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--replica",
            description = "Run as one replica of several on the same stack (-rw): jobs are owned by the replica that accepts"
                    + " them, and a replica's jobs pass to the others within its lease when it dies (see docs/architecture.md).")
    boolean on;

    @Option(names = "--replica-lease", paramLabel = "D", defaultValue = "5s",
            description = "With --replica: how long a silent replica keeps its jobs; it beats every fifth of it and stops"
                    + " dispatching 30%% of it early (default ${DEFAULT-VALUE}; 10s deployed).")
    String lease;

    /** The replica's beat, lease and early stop, from {@code --replica-lease}. */
    ReplicaTiming timing() {
        Duration lease = Durations.parse(this.lease);
        try {
            return new ReplicaTiming(lease.dividedBy(5), lease, lease.multipliedBy(3).dividedBy(10));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--replica-lease " + this.lease + ": " + e.getMessage());
        }
    }
}
