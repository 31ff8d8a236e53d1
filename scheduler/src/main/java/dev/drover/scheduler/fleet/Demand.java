package dev.drover.scheduler.fleet;

import java.util.Set;

/**
 * What the fleet is asked to carry now.
 *
 * @param backlogTasks     tasks waiting or running (visible plus in flight)
 * @param meanTaskSeconds  measured mean run time of a task, or the dispatcher's estimate before any result
 * @param reportingWorkers ids of workers that have posted results, i.e. that are up and running
 */
public record Demand(long backlogTasks, double meanTaskSeconds, Set<String> reportingWorkers) {}
