package dev.drover.cli.chaos;

/** One fault-injection experiment: a workload on a plan, and the fault injected while it runs. */
record Scenario(String name, String description, Plan plan, Workload workload, Fault fault, java.time.Duration minDeadline) {
    Scenario(String name, String description, Plan plan, Workload workload, Fault fault) {
        this(name, description, plan, workload, fault, java.time.Duration.ZERO);
    }

    /** A scenario whose fault is slow by nature (each delivery of a poison bundle costs a worker and a lease). */
    Scenario atLeast(java.time.Duration deadline) {
        return new Scenario(name, description, plan, workload, fault, deadline);
    }
}
