package dev.drover.core.exec;

import dev.drover.core.model.TaskStatus;

/** How one run of a task ended, before the worker adds who ran it and when. */
public record Outcome(TaskStatus status, Integer exitCode, String stdout, String stderr,
                      boolean stdoutTruncated, boolean stderrTruncated, String error) {

    public static Outcome of(TaskStatus status, String error) {
        return new Outcome(status, null, "", "", false, false, error);
    }
}
