package dev.drover.cli.chaos;

/** One fault-injection experiment: a workload on a plan, and the fault injected while it runs. */
record Scenario(String name, String description, Plan plan, Workload workload, Fault fault) {}
