package dev.drover.core.model;

/**
 * One task of a job, as it travels to a worker.
 *
 * @param seq         position of the task in its job (0-based); with the job id it is the task id
 * @param line        line number in the workload file, for error reports and results
 * @param command     {@code sleep N} or a shell command
 * @param timeoutMs   kill the task after this long; 0 means no limit
 * @param attempt     1 for the first run; a retry of a failed task gets the next number
 * @param maxAttempts how many runs a failing task gets in all (1 = no retry)
 */
public record Task(long seq, int line, String command, long timeoutMs, int attempt, int maxAttempts) {

    public static String id(String jobId, long seq) {
        return jobId + "/" + seq;
    }

    public Task nextAttempt() {
        return new Task(seq, line, command, timeoutMs, attempt + 1, maxAttempts);
    }

    /** Milliseconds of a built-in {@code sleep N}, or -1 for a shell command. */
    public long sleepMillis() {
        return Commands.sleepMillis(command);
    }
}
