package dev.drover.core.workload;

import dev.drover.core.model.Task;

/** One task as read from a workload file, before it is numbered and queued. */
public record TaskSpec(int line, String command, long timeoutMs, int maxAttempts) {
    public Task toTask(long seq) {
        return new Task(seq, line, command, timeoutMs, 1, maxAttempts);
    }
}
