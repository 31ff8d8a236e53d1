package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.ArrayList;

/**
 * What one run of one task produced. Times are epoch millis.
 *
 * @param queuedAt when the task's bundle was dispatched, so latency = finishedAt - queuedAt
 * @param attempts how many times this task has been started, counting re-runs after a worker died
 * @param error    why Drover (not the task) ended it, e.g. a timeout or a dead-lettered bundle
 * @param replica  which replica of its line the task is ({@code @replicas N}), 0 without replicas
 * @param outputs  the files the task left in {@code $DROVER_OUTPUT_DIR}, uploaded under
 *                 {@code outputs/<job>/<seq>/<path>}
 * @param stdoutObject the task's whole stdout, kept in the payload store when it outgrew what is kept
 *                 inline ({@code stdoutTruncated}): its {@code path} is under the task's own output
 *                 prefix ({@code .drover/stdout}, so {@code outputs/<job>/<seq>/.drover/stdout}), with
 *                 its bytes and SHA-256; null (and left out of the JSON) when the inline text is whole
 * @param stderrObject the same for stderr ({@code .drover/stderr})
 * @param heldMillis how long the task held its worker thread: its run, and a wait for room among the
 *                 uploads, but not the upload of its outputs, which goes on off the thread (so
 *                 {@code finishedAt - startedAt} may be longer); what a bundle of such tasks takes a
 *                 thread. 0 where unknown (results of older workers, tasks Drover decided)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskResult(String jobId, long seq, int line, String command, TaskStatus status,
                         Integer exitCode, String stdout, String stderr,
                         boolean stdoutTruncated, boolean stderrTruncated,
                         String worker, long queuedAt, long startedAt, long finishedAt,
                         int attempts, String error, int replica, List<OutputFile> outputs,
                         @JsonInclude(JsonInclude.Include.NON_NULL) OutputFile stdoutObject,
                         @JsonInclude(JsonInclude.Include.NON_NULL) OutputFile stderrObject,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) long heldMillis) {

    public TaskResult {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    public TaskResult(String jobId, long seq, int line, String command, TaskStatus status,
                      Integer exitCode, String stdout, String stderr,
                      boolean stdoutTruncated, boolean stderrTruncated,
                      String worker, long queuedAt, long startedAt, long finishedAt,
                      int attempts, String error, int replica, List<OutputFile> outputs) {
        this(jobId, seq, line, command, status, exitCode, stdout, stderr, stdoutTruncated, stderrTruncated, worker,
                queuedAt, startedAt, finishedAt, attempts, error, replica, outputs, null, null, 0);
    }

    /**
     * Every object of this task's own to download: its output files, then its whole stdout and stderr
     * where they were kept in the payload store. Each path is relative to the task's output prefix.
     */
    @JsonIgnore
    public List<OutputFile> downloads() {
        if (stdoutObject == null && stderrObject == null) {
            return outputs;
        }
        List<OutputFile> all = new ArrayList<>(outputs);
        if (stdoutObject != null) {
            all.add(stdoutObject);
        }
        if (stderrObject != null) {
            all.add(stderrObject);
        }
        return all;
    }

    public TaskResult(String jobId, long seq, int line, String command, TaskStatus status,
                      Integer exitCode, String stdout, String stderr,
                      boolean stdoutTruncated, boolean stderrTruncated,
                      String worker, long queuedAt, long startedAt, long finishedAt,
                      int attempts, String error) {
        this(jobId, seq, line, command, status, exitCode, stdout, stderr, stdoutTruncated, stderrTruncated, worker,
                queuedAt, startedAt, finishedAt, attempts, error, 0, List.of(), null, null, 0);
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

    /** How long the task held its thread, where the worker said so, else its duration; never more than its duration. */
    @JsonIgnore
    public long threadMillis() {
        return heldMillis > 0 ? Math.min(heldMillis, durationMillis()) : durationMillis();
    }

    /** A result that Drover itself decides, with no run behind it (cancelled, dead-lettered). */
    public static TaskResult decided(String jobId, Task task, TaskStatus status, String error, long now) {
        return new TaskResult(jobId, task.seq(), task.line(), task.command(), status, null, "", "",
                false, false, "", now, now, now, task.attempt() - 1, error, task.replica(), List.of(), null, null, 0);
    }
}
