package dev.drover.scheduler.model;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A job's status as the API reports it.
 *
 * @param taskSeconds  seconds its tasks ran on workers
 * @param workerSeconds its share of the fleet's billed worker-seconds (by task-seconds, 60 s minimum each)
 * @param requestUsd   its AWS requests at list prices
 * @param ec2Usd       its share of the fleet's EC2 cost
 * @param budgetUsd    what it may spend, or null
 * @param cancelReason "cancelled" (by a user), "budget" or "dependency: …", or null if not cancelled
 * @param after        the jobs it waits on ({@code submit --after}); none are left out of the JSON
 * @param stages       its named lines and runs of waiting lines, with their counts; none are left out of the JSON
 */
public record JobView(String jobId, String name, String owner, JobStatus state, long total, long dispatched,
                      Map<TaskStatus, Long> counts, long submittedAt, long finishedAt, double wallSeconds,
                      double tasksPerSecond, long sqsRequests, long dynamoWrites, long dynamoReads,
                      long s3Requests, long duplicatesSkipped, int workers, double taskSeconds, double workerSeconds,
                      double requestUsd, double ec2Usd, Double budgetUsd, String cancelReason,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> after,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StageCount> stages) {
    /**
     * One stage's counts: a named line ({@code name}), or a run of lines that wait ({@code name} null),
     * from line {@code line}; {@code waitsOn} names the lines it waits on.
     */
    public record StageCount(@JsonInclude(JsonInclude.Include.NON_NULL) String name, int line, long tasks, long succeeded,
                             long ended, List<String> waitsOn) {}
}
