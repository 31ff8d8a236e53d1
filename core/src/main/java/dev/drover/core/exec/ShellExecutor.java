package dev.drover.core.exec;

import dev.drover.core.EnvironmentVariables;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Runs a shell command with {@code /bin/sh -c} in a fresh working directory. Output goes to files
 * (no pipe can fill and block the task), of which the first {@code outputCap} bytes are kept.
 * A timeout or a cancellation kills the whole process tree.
 */
final class ShellExecutor {
    private static final long POLL_MS = 50;

    private final Path scratch;
    private final int outputCap;

    ShellExecutor(Path scratch, int outputCap) {
        this.scratch = scratch;
        this.outputCap = outputCap;
    }

    Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
        Path dir = null;
        try {
            Files.createDirectories(scratch);
            dir = Files.createTempDirectory(scratch, "task-");
            Path work = Files.createDirectory(dir.resolve("work"));
            File out = dir.resolve("stdout").toFile();
            File err = dir.resolve("stderr").toFile();
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", task.command())
                    .directory(work.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out)
                    .redirectError(err);
            pb.environment().put(EnvironmentVariables.JOB_ID, jobId);
            pb.environment().put(EnvironmentVariables.TASK_ID, Task.id(jobId, task.seq()));
            pb.environment().put(EnvironmentVariables.ATTEMPT, Integer.toString(task.attempt()));
            Process process = pb.start();
            TaskStatus status = waitFor(process, task, cancelled);
            Integer exit = process.exitValue();
            if (status == null) {
                status = exit == 0 ? TaskStatus.SUCCEEDED : TaskStatus.FAILED;
            }
            Captured o = capture(out.toPath());
            Captured e = capture(err.toPath());
            String error = switch (status) {
                case TIMED_OUT -> "timed out after " + task.timeoutMs() + " ms";
                case CANCELLED -> "cancelled";
                default -> null;
            };
            return new Outcome(status, exit, o.text, e.text, o.truncated, e.truncated, error);
        } catch (IOException e) {
            return Outcome.of(TaskStatus.FAILED, "could not start: " + e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    /** Null when the process exited by itself; TIMED_OUT or CANCELLED when Drover killed it. */
    private static TaskStatus waitFor(Process process, Task task, BooleanSupplier cancelled) {
        long deadline = task.timeoutMs() > 0 ? System.nanoTime() + task.timeoutMs() * 1_000_000 : Long.MAX_VALUE;
        try {
            while (!process.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                TaskStatus kill = System.nanoTime() - deadline >= 0 ? TaskStatus.TIMED_OUT
                        : cancelled.getAsBoolean() ? TaskStatus.CANCELLED : null;
                if (kill != null) {
                    killTree(process);
                    return kill;
                }
            }
            return null;
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return TaskStatus.CANCELLED;
        }
    }

    /** Kills the shell before its children, so that it cannot go on to its next command. */
    private static void killTree(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Captured(String text, boolean truncated) {}

    private Captured capture(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(size, outputCap));
            return new Captured(new String(bytes, StandardCharsets.UTF_8), size > outputCap);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover scratch directory wastes disk but loses no result
        }
    }
}
