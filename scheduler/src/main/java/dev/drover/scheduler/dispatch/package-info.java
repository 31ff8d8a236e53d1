/**
 * Puts each job's tasks on the request queue in bundles cut by expected work, isolates one job's
 * faults from the others, and re-sends dispatched work that was lost.
 */
package dev.drover.scheduler.dispatch;
