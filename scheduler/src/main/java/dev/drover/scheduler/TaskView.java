package dev.drover.scheduler;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;

/** One task's status as the API reports it; {@code result} is null until the task is final. */
public record TaskView(String jobId, long seq, TaskStatus status, TaskResult result) {}
