/**
 * Reruns some of a job's tasks (its failed ones, or one failure group) as a new job, written as a
 * workload with the same directives and submitted like any other.
 */
package dev.drover.scheduler.rerun;
