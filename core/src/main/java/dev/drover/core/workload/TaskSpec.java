package dev.drover.core.workload;

import dev.drover.core.model.Task;
import java.util.Map;

/**
 * One task as read from a workload file, before it is numbered and queued.
 *
 * @param replica which replica of its line ({@code @replicas N}), 0 … N-1
 * @param env     what the {@code @env} directives before it set (a null value unsets a base variable)
 */
public record TaskSpec(int line, String command, long timeoutMs, int maxAttempts, int replica, Map<String, String> env) {
    public TaskSpec(int line, String command, long timeoutMs, int maxAttempts) {
        this(line, command, timeoutMs, maxAttempts, 0, Map.of());
    }

    public Task toTask(long seq) {
        return new Task(seq, line, command, timeoutMs, 1, maxAttempts, replica, env, null);
    }

    /** The task, carrying the job's files pack (null: none). */
    public Task toTask(long seq, String files) {
        return new Task(seq, line, command, timeoutMs, 1, maxAttempts, replica, env, files);
    }
}
