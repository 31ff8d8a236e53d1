/**
 * Puts each job's tasks on the request queue in bundles cut by expected work, in the order the
 * dispatch policy gives (fair share across users by weight, or global submission order), isolates
 * one job's faults from the others, and re-sends dispatched work that was lost.
 */
package dev.drover.scheduler.dispatch;
