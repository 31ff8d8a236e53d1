package dev.drover.core.exec;

import dev.drover.core.model.OutputFile;
import dev.drover.core.model.TaskStatus;
import java.util.List;

/** How one run of a task ended, before the worker adds who ran it and when. */
public record Outcome(TaskStatus status, Integer exitCode, String stdout, String stderr,
                      boolean stdoutTruncated, boolean stderrTruncated, String error, List<OutputFile> outputs,
                      OutputFile stdoutObject, OutputFile stderrObject) {

    public Outcome {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    public Outcome(TaskStatus status, Integer exitCode, String stdout, String stderr,
                   boolean stdoutTruncated, boolean stderrTruncated, String error, List<OutputFile> outputs) {
        this(status, exitCode, stdout, stderr, stdoutTruncated, stderrTruncated, error, outputs, null, null);
    }

    public Outcome(TaskStatus status, Integer exitCode, String stdout, String stderr,
                   boolean stdoutTruncated, boolean stderrTruncated, String error) {
        this(status, exitCode, stdout, stderr, stdoutTruncated, stderrTruncated, error, List.of());
    }

    public static Outcome of(TaskStatus status, String error) {
        return new Outcome(status, null, "", "", false, false, error);
    }
}
