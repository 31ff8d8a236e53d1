/**
 * What jobs cost and who pays: each job's share of the fleet's EC2 time (by its task-seconds),
 * bills per user and per job, budgets that stop a job (or a user's month) when its spend reaches
 * them, and the forecast of a workload's cost before it is submitted.
 */
package dev.drover.scheduler.billing;
