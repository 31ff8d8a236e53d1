package dev.drover.cli.chaos;

import java.time.Duration;
import java.util.Optional;

/**
 * One fault-injection experiment: a workload on a plan, and the fault injected while it runs; or,
 * for the scenarios about how processes end, one that runs and judges itself.
 */
record Scenario(String name, String description, Plan plan, Workload workload, Fault fault, Duration minDeadline,
                Optional<SelfJudged> selfJudged) {
    Scenario(String name, String description, Plan plan, Workload workload, Fault fault) {
        this(name, description, plan, workload, fault, Duration.ZERO, Optional.empty());
    }

    /** A scenario that runs {@code run} instead of the harness's job-and-fault run. */
    static Scenario selfJudged(String name, String description, Workload workload, SelfJudged run) {
        return new Scenario(name, description, Plan.fixed(2), workload, Fault.NONE, Duration.ZERO, Optional.of(run));
    }

    /** A scenario whose fault is slow by nature (each delivery of a poison bundle costs a worker and a lease). */
    Scenario atLeast(Duration deadline) {
        return new Scenario(name, description, plan, workload, fault, deadline, selfJudged);
    }
}
