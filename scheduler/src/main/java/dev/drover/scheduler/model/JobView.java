package dev.drover.scheduler.model;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskStatus;
import java.util.Map;

/**
 * A job's status as the API reports it.
 *
 * @param taskSeconds  seconds its tasks ran on workers
 * @param workerSeconds its share of the fleet's billed worker-seconds (by task-seconds, 60 s minimum each)
 * @param requestUsd   its AWS requests at list prices
 * @param ec2Usd       its share of the fleet's EC2 cost
 * @param budgetUsd    what it may spend, or null
 * @param cancelReason "cancelled" (by a user) or "budget", or null if not cancelled
 */
public record JobView(String jobId, String name, String owner, JobStatus state, long total, long dispatched,
                      Map<TaskStatus, Long> counts, long submittedAt, long finishedAt, double wallSeconds,
                      double tasksPerSecond, long sqsRequests, long dynamoWrites, long dynamoReads,
                      long s3Requests, long duplicatesSkipped, int workers, double taskSeconds, double workerSeconds,
                      double requestUsd, double ec2Usd, Double budgetUsd, String cancelReason) {}
