package dev.drover.core.exec;

import dev.drover.core.model.Task;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The standard executor: the built-in {@code sleep N}, else a shell command. The base environment of
 * tasks is given ({@link TaskEnvironment#fromWorker}, read by the process's main), never read here.
 */
public final class Executors implements TaskExecutor {
    public static final int DEFAULT_OUTPUT_CAP = 64 * 1024;
    /** What a task's stdout and stderr may take on the worker's disk before the task is killed. */
    public static final long DEFAULT_DISK_CAP = 1L << 30;

    private final SleepExecutor sleep = new SleepExecutor();
    private final ShellExecutor shell;

    public Executors(Path scratch, int outputCap, long diskCap, TaskEnvironment environment, Workspace workspace) {
        this.shell = new ShellExecutor(scratch, outputCap, diskCap, environment, workspace);
    }

    /** Shell tasks run as {@code user} (empty: as the worker's own user). */
    public Executors(Path scratch, int outputCap, long diskCap, TaskEnvironment environment, Workspace workspace,
                     Optional<TaskUser> user) {
        this.shell = new ShellExecutor(scratch, outputCap, diskCap, environment, workspace, user);
    }

    /** The default scratch directory, where each shell task gets a fresh directory of its own. */
    public static Path defaultScratch() {
        return Path.of(System.getProperty("java.io.tmpdir"), "drover-tasks");
    }

    /** Tasks on {@code base} (the worker's PATH, LANG and USER), and no files store. */
    public static Executors standard(TaskEnvironment base) {
        return new Executors(defaultScratch(), DEFAULT_OUTPUT_CAP, DEFAULT_DISK_CAP, base, Workspace.NONE);
    }

    /** Tasks on {@code base} with job files and outputs through this workspace. */
    public static Executors withWorkspace(Workspace workspace, TaskEnvironment base) {
        return new Executors(defaultScratch(), DEFAULT_OUTPUT_CAP, DEFAULT_DISK_CAP, base, workspace);
    }

    /** The same, run as {@code user} (empty: as the worker). */
    public static Executors withWorkspace(Workspace workspace, TaskEnvironment base, Optional<TaskUser> user) {
        return new Executors(defaultScratch(), DEFAULT_OUTPUT_CAP, DEFAULT_DISK_CAP, base, workspace, user);
    }

    @Override
    public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
        long millis = task.sleepMillis();
        return millis >= 0 ? sleep.run(task, millis, cancelled) : shell.run(jobId, task, cancelled);
    }

    /** A shell task's outputs upload after it, off the calling thread (see {@link OutputUploads}). */
    @Override
    public CompletableFuture<Outcome> start(String jobId, Task task, BooleanSupplier cancelled) {
        long millis = task.sleepMillis();
        return millis >= 0 ? CompletableFuture.completedFuture(sleep.run(task, millis, cancelled))
                : shell.start(jobId, task, cancelled);
    }
}
