package dev.drover.core.exec;

import dev.drover.core.model.Task;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** The standard executor: the built-in {@code sleep N}, else a shell command. */
public final class Executors implements TaskExecutor {
    public static final int DEFAULT_OUTPUT_CAP = 64 * 1024;
    /** What a task's stdout and stderr may take on the worker's disk before the task is killed. */
    public static final long DEFAULT_DISK_CAP = 1L << 30;

    private final SleepExecutor sleep = new SleepExecutor();
    private final ShellExecutor shell;

    public Executors(Path scratch, int outputCap, long diskCap) {
        this.shell = new ShellExecutor(scratch, outputCap, diskCap);
    }

    public static Executors standard() {
        return new Executors(Path.of(System.getProperty("java.io.tmpdir"), "drover-tasks"), DEFAULT_OUTPUT_CAP, DEFAULT_DISK_CAP);
    }

    @Override
    public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
        long millis = task.sleepMillis();
        return millis >= 0 ? sleep.run(task, millis, cancelled) : shell.run(jobId, task, cancelled);
    }
}
