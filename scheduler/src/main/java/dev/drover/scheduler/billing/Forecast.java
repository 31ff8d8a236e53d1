package dev.drover.scheduler.billing;

import java.util.Map;

/**
 * What a workload would cost and take, from the task times measured so far; nothing is queued.
 *
 * @param tasks       tasks the workload holds
 * @param taskSeconds forecast run time of all its tasks
 * @param wallSeconds forecast duration on the fleet's threads, all busy
 * @param ec2Usd      its forecast share of EC2: task-seconds × what a task-second of the fleet has cost so far
 * @param requestUsd  its forecast AWS requests: tasks × what a task's requests have cost so far
 * @param basis       how many tasks each basis forecast: {@code sleep} (exact), {@code yourJobs} (mean of that
 *                    command line in the user's earlier jobs), {@code fleet} (mean of every shell task measured),
 *                    {@code unmeasured} (nothing measured yet: counted as 0 s)
 * @param explanation the basis in a sentence
 */
public record Forecast(long tasks, double taskSeconds, double wallSeconds, double ec2Usd, double requestUsd,
                       double totalUsd, Map<String, Long> basis, double ec2UsdPerTaskSecond, double requestUsdPerTask,
                       String explanation) {}
