/**
 * Where a job enters: the workload is spooled and checked whole before anything is queued.
 */
package dev.drover.scheduler.intake;
