package dev.drover.scheduler;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskStatus;
import java.util.Map;

/** A job's status as the API reports it. */
public record JobView(String jobId, String name, String owner, JobStatus state, long total, long dispatched,
                      Map<TaskStatus, Long> counts, long submittedAt, long finishedAt, double wallSeconds,
                      double tasksPerSecond, long sqsRequests, long dynamoWrites, long dynamoReads,
                      long s3Requests, long duplicatesSkipped, int workers) {}
