package dev.drover.scheduler.model;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;

/**
 * One task's status as the API reports it: for a RUNNING task its worker and start time (epoch
 * millis), for a final one those of its result; {@code result} is null until the task is final.
 */
public record TaskView(String jobId, long seq, TaskStatus status, String worker, Long startedAt, TaskResult result) {}
