package dev.drover.cli;

import dev.drover.core.workload.Durations;
import dev.drover.scheduler.fleet.Provisioner;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How an elastic fleet grows and shrinks. */
final class FleetOptions {
    // the defaults come from the environment too, where a deployed scheduler host gets the stack's settings
    @Option(names = "--max-workers", paramLabel = "N", defaultValue = "${env:DROVER_MAX_WORKERS:-4}",
            description = "Never more workers than this (default: $DROVER_MAX_WORKERS or 4; now ${DEFAULT-VALUE}).")
    int maxWorkers;

    @Option(names = "--worker-threads", paramLabel = "N", defaultValue = "${env:DROVER_WORKER_THREADS:-4}",
            description = "Tasks each worker runs at once (default: $DROVER_WORKER_THREADS or 4; now ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--idle-timeout", paramLabel = "D", defaultValue = "${env:DROVER_IDLE_TIMEOUT:-10s}",
            description = "A worker with nothing to do for this long stops itself: the cost/latency knob"
                    + " (default: $DROVER_IDLE_TIMEOUT or 10s; now ${DEFAULT-VALUE}).")
    String idleTimeout;

    @Option(names = "--target-latency", paramLabel = "D", defaultValue = "10s",
            description = "How long the backlog may take to clear; the fleet is sized for it (default ${DEFAULT-VALUE}).")
    String targetLatency;

    @Option(names = "--hourly-price", paramLabel = "USD", defaultValue = "0.085",
            description = "Price of one worker an hour, for the cost estimate (default ${DEFAULT-VALUE}: c6i.large on demand).")
    double hourlyPrice;

    Duration idle() {
        return Durations.parse(idleTimeout);
    }

    Provisioner.Config provisioner() {
        return Provisioner.Config.elastic(maxWorkers, threads, Durations.parse(targetLatency), hourlyPrice);
    }
}
