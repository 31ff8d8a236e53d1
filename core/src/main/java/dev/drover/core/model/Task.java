package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * One task of a job, as it travels to a worker.
 *
 * @param seq         position of the task in its job (0-based); with the job id it is the task id
 * @param line        line number in the workload file, for error reports and results
 * @param command     {@code sleep N} or a shell command
 * @param timeoutMs   kill the task after this long; 0 means no limit
 * @param attempt     1 for the first run; a retry of a failed task gets the next number
 * @param maxAttempts how many runs a failing task gets in all (1 = no retry)
 * @param replica     which replica of its line this task is ({@code @replicas N}: 0 … N-1), 0 without replicas
 * @param env         what the workload's {@code @env} directives set for it: a null value unsets a base variable
 * @param files       the SHA-256 of the job's files pack, or null when the job has none: the task starts in
 *                    a fresh directory holding the pack's contents
 * @param inputs      the outputs of the tasks it waits on, which it sees under {@code $DROVER_INPUT_DIR}
 */
public record Task(long seq, int line, String command, long timeoutMs, int attempt, int maxAttempts,
                   @JsonInclude(JsonInclude.Include.NON_DEFAULT) int replica,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> env,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String files,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaskInput> inputs) {

    public Task {
        // null values (unsets) are allowed, so not Map.copyOf
        env = env == null || env.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    public Task(long seq, int line, String command, long timeoutMs, int attempt, int maxAttempts, int replica,
                Map<String, String> env, String files) {
        this(seq, line, command, timeoutMs, attempt, maxAttempts, replica, env, files, List.of());
    }

    public Task(long seq, int line, String command, long timeoutMs, int attempt, int maxAttempts) {
        this(seq, line, command, timeoutMs, attempt, maxAttempts, 0, Map.of(), null);
    }

    public static String id(String jobId, long seq) {
        return jobId + "/" + seq;
    }

    public Task nextAttempt() {
        return new Task(seq, line, command, timeoutMs, attempt + 1, maxAttempts, replica, env, files, inputs);
    }

    /** This task with the job's files pack. */
    public Task withFiles(String filesSha256) {
        return new Task(seq, line, command, timeoutMs, attempt, maxAttempts, replica, env, filesSha256, inputs);
    }

    /** This task with the outputs of the tasks it waits on as its inputs. */
    public Task withInputs(List<TaskInput> taskInputs) {
        return new Task(seq, line, command, timeoutMs, attempt, maxAttempts, replica, env, files, taskInputs);
    }

    /** About how many bytes the replica, env and files add to the task's JSON (for bundle sizing). */
    public long extraJsonBytes() {
        long n = (replica == 0 ? 0 : 16) + (files == null ? 0 : 80);
        for (TaskInput in : inputs) {
            n += 70 + in.name().length();
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            n += 8 + e.getKey().length() + (e.getValue() == null ? 4 : e.getValue().getBytes(StandardCharsets.UTF_8).length * 2L);
        }
        return n;
    }

    /** Milliseconds of a built-in {@code sleep N}, or -1 for a shell command. */
    public long sleepMillis() {
        return Commands.sleepMillis(command);
    }
}
