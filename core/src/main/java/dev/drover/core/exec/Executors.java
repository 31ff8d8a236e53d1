package dev.drover.core.exec;

import dev.drover.core.model.Task;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** The standard executor: the built-in {@code sleep N}, else a shell command. */
public final class Executors implements TaskExecutor {
    public static final int DEFAULT_OUTPUT_CAP = 64 * 1024;

    private final SleepExecutor sleep = new SleepExecutor();
    private final ShellExecutor shell;

    public Executors(Path scratch, int outputCap) {
        this.shell = new ShellExecutor(scratch, outputCap);
    }

    public static Executors standard() {
        return new Executors(Path.of(System.getProperty("java.io.tmpdir"), "drover-tasks"), DEFAULT_OUTPUT_CAP);
    }

    @Override
    public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
        long millis = task.sleepMillis();
        return millis >= 0 ? sleep.run(task, millis, cancelled) : shell.run(jobId, task, cancelled);
    }
}
