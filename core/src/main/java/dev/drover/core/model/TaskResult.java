package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What one run of one task produced. Times are epoch millis.
 *
 * @param queuedAt when the task's bundle was dispatched, so latency = finishedAt - queuedAt
 * @param attempts how many times this task has been started, counting re-runs after a worker died
 * @param error    why Drover (not the task) ended it, e.g. a timeout or a dead-lettered bundle
 * @param replica  which replica of its line the task is ({@code @replicas N}), 0 without replicas
 * @param outputs  the files the task left in {@code $DROVER_OUTPUT_DIR}, uploaded under
 *                 {@code outputs/<job>/<seq>/<path>}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskResult(String jobId, long seq, int line, String command, TaskStatus status,
                         Integer exitCode, String stdout, String stderr,
                         boolean stdoutTruncated, boolean stderrTruncated,
                         String worker, long queuedAt, long startedAt, long finishedAt,
                         int attempts, String error, int replica, List<OutputFile> outputs) {

    public TaskResult {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    public TaskResult(String jobId, long seq, int line, String command, TaskStatus status,
                      Integer exitCode, String stdout, String stderr,
                      boolean stdoutTruncated, boolean stderrTruncated,
                      String worker, long queuedAt, long startedAt, long finishedAt,
                      int attempts, String error) {
        this(jobId, seq, line, command, status, exitCode, stdout, stderr, stdoutTruncated, stderrTruncated, worker,
                queuedAt, startedAt, finishedAt, attempts, error, 0, List.of());
    }

    @JsonProperty("taskId")
    public String taskId() {
        return Task.id(jobId, seq);
    }

    @JsonIgnore
    public long latencyMillis() {
        return Math.max(0, finishedAt - queuedAt);
    }

    @JsonIgnore
    public long durationMillis() {
        return Math.max(0, finishedAt - startedAt);
    }

    /** A result that Drover itself decides, with no run behind it (cancelled, dead-lettered). */
    public static TaskResult decided(String jobId, Task task, TaskStatus status, String error, long now) {
        return new TaskResult(jobId, task.seq(), task.line(), task.command(), status, null, "", "",
                false, false, "", now, now, now, task.attempt() - 1, error, task.replica(), List.of());
    }
}
