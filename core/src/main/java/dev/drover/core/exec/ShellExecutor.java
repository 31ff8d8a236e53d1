package dev.drover.core.exec;

import dev.drover.core.model.OutputFile;
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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.nio.file.LinkOption;
import java.util.ArrayList;

/**
 * Runs a shell command with {@code /bin/sh -c} in a fresh working directory. Output goes to files
 * (no pipe can fill and block the task), of which the first {@code outputCap} bytes are kept; a
 * task whose output files outgrow {@code diskCap} is killed before it fills the worker's disk.
 * A timeout or a cancellation kills the whole process tree.
 */
final class ShellExecutor {
    private static final long POLL_MS = 50;
    private static final Optional<String> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst();

    private final Path scratch;
    private final int outputCap;
    private final long diskCap;
    private final TaskEnvironment environment;
    private final Workspace workspace;
    private final OutputUploads uploads;
    private final Optional<TaskUser> user;

    ShellExecutor(Path scratch, int outputCap, long diskCap, TaskEnvironment environment, Workspace workspace) {
        this(scratch, outputCap, diskCap, environment, workspace, Optional.empty(), OutputUploads.defaults());
    }

    /** The same, running each task as {@code user} (empty: as the worker's own user). */
    ShellExecutor(Path scratch, int outputCap, long diskCap, TaskEnvironment environment, Workspace workspace,
                  Optional<TaskUser> user) {
        this(scratch, outputCap, diskCap, environment, workspace, user, OutputUploads.defaults());
    }

    ShellExecutor(Path scratch, int outputCap, long diskCap, TaskEnvironment environment, Workspace workspace,
                  OutputUploads uploads) {
        this(scratch, outputCap, diskCap, environment, workspace, Optional.empty(), uploads);
    }

    ShellExecutor(Path scratch, int outputCap, long diskCap, TaskEnvironment environment, Workspace workspace,
                  Optional<TaskUser> user, OutputUploads uploads) {
        this.uploads = uploads;
        this.user = user;
        this.scratch = scratch;
        this.outputCap = outputCap;
        this.diskCap = diskCap;
        this.environment = environment;
        this.workspace = workspace;
    }

    Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
        return start(jobId, task, cancelled).join();
    }

    /**
     * Runs the task's process on the calling thread; its outputs (and a whole stdout or stderr too
     * long to keep inline) then upload on {@link #uploads}, and the future completes once they are
     * up (at once when there is nothing to upload).
     */
    CompletableFuture<Outcome> start(String jobId, Task task, BooleanSupplier cancelled) {
        Path dir = null;
        Path populated = null;
        boolean pinned = false; // its inputs, pinned in the worker's inputs cache while it runs
        boolean handedOver = false;
        try {
            Files.createDirectories(scratch);
            dir = Files.createTempDirectory(scratch, "task-");
            Path work = Files.createDirectory(dir.resolve("work"));
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            Path output = Files.createDirectory(dir.resolve("output"));
            if (task.files() != null) {
                try {
                    workspace.populate(task.files(), work);
                    populated = work;
                } catch (IOException | RuntimeException e) {
                    return done(Outcome.of(TaskStatus.FAILED, "could not fetch the job's files " + task.files() + ": " + e.getMessage()));
                }
            }
            Path input = null;
            if (!task.inputs().isEmpty()) {
                input = Files.createDirectory(dir.resolve("input"));
                try {
                    pinned = true;
                    workspace.inputs(jobId, task.inputs(), input);
                } catch (IOException | RuntimeException e) {
                    return done(Outcome.of(TaskStatus.FAILED, "could not fetch the outputs of the tasks it waits on: " + e.getMessage()));
                }
            }
            if (user.isPresent()) {
                // after populating: a copy the files cache lends is moved in as the working directory
                user.get().prepare(scratch, dir, List.of(work, tmp, output));
            }
            File out = dir.resolve("stdout").toFile();
            File err = dir.resolve("stderr").toFile();
            ProcessBuilder pb = new ProcessBuilder(command(task.command(), user))
                    .directory(work.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out)
                    .redirectError(err);
            pb.environment().clear();
            pb.environment().putAll(environment.of(jobId, task, work, tmp, output, input));
            user.ifPresent(u -> {
                pb.environment().put("USER", u.name());
                pb.environment().put("LOGNAME", u.name());
            });
            Process process = TaskSession.start(pb);
            Kill kill;
            try {
                kill = waitFor(process, task, cancelled, out, err);
            } finally {
                TaskSession.ended(process.pid());
            }
            Integer exit = process.exitValue();
            if (SETSID.isPresent()) {
                // nothing of a task outlives it: a background job it left could go on using the worker, or
                // write into the files copy that the next task (perhaps another user's) is lent
                TaskSession.kill(process.pid());
            }
            if (user.isPresent()) {
                // nor what left its session (setsid): every process of the task user outside a running task's session
                TaskSession.killUser(user.get().uid());
            }
            releaseCopy(populated);
            populated = null;
            pinned = releaseInputs(jobId, task, pinned);
            TaskStatus status = kill == null ? exit == 0 ? TaskStatus.SUCCEEDED : TaskStatus.FAILED : kill.status;
            Captured o = capture(out.toPath());
            Captured e = capture(err.toPath());
            String error = kill == null ? null : switch (kill) {
                case TIMEOUT -> "timed out after " + task.timeoutMs() + " ms";
                case CANCEL -> "cancelled";
                case OUTPUT -> "killed: wrote more than " + diskCap + " bytes of output";
            };
            Ended ended = new Ended(status, exit, o, e, error);
            Path taskDir = dir;
            long bytes = treeBytes(output) + (o.truncated ? out.length() : 0) + (e.truncated ? err.length() : 0);
            if (bytes == 0 && isEmpty(output) && !o.truncated && !e.truncated) {
                return done(upload(jobId, task, ended, output, out.toPath(), err.toPath()));
            }
            CompletableFuture<Outcome> uploaded = uploads.submit(bytes, () -> {
                try {
                    return upload(jobId, task, ended, output, out.toPath(), err.toPath());
                } finally {
                    deleteTree(taskDir);
                }
            });
            handedOver = true;
            return uploaded;
        } catch (IOException e) {
            return done(Outcome.of(TaskStatus.FAILED, "could not start: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return done(Outcome.of(TaskStatus.CANCELLED, "interrupted before its outputs were uploaded"));
        } finally {
            releaseCopy(populated);
            releaseInputs(jobId, task, pinned);
            if (!handedOver) {
                deleteTree(dir);
            }
        }
    }

    /** How the task's process ended, before its outputs are uploaded. */
    private record Ended(TaskStatus status, Integer exit, Captured out, Captured err, String error) {}

    /** Uploads what the task left and returns its outcome; a failed upload fails the task and says so. */
    private Outcome upload(String jobId, Task task, Ended ended, Path output, Path out, Path err) {
        TaskStatus status = ended.status;
        String error = ended.error;
        List<OutputFile> outputs;
        try {
            Path collected = output.resolveSibling("collected");
            OutputHarvest.harvest(output, collected, user.map(u -> OptionalInt.of(u.uid())).orElse(OptionalInt.empty()),
                    Task.id(jobId, task.seq()));
            outputs = workspace.collect(jobId, task, collected);
        } catch (IOException | RuntimeException x) {
            outputs = List.of();
            status = TaskStatus.FAILED;
            error = (error == null ? "" : error + "; ") + "could not upload its outputs: " + x.getMessage();
        }
        OutputFile stdoutObject = null;
        OutputFile stderrObject = null;
        try {
            stdoutObject = ended.out.truncated ? workspace.keepStream(jobId, task, "stdout", out) : null;
            stderrObject = ended.err.truncated ? workspace.keepStream(jobId, task, "stderr", err) : null;
        } catch (IOException | RuntimeException x) {
            // the inline head is still there: a task's own result does not fail for its log
            error = (error == null ? "" : error + "; ") + "could not keep its whole stdout/stderr: " + x.getMessage();
        }
        return new Outcome(status, ended.exit, ended.out.text, ended.err.text, ended.out.truncated, ended.err.truncated,
                error, outputs, stdoutObject, stderrObject);
    }

    private static CompletableFuture<Outcome> done(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    /** Unpins the task's inputs if they are pinned; returns false (nothing pinned now). */
    private boolean releaseInputs(String jobId, Task task, boolean pinned) {
        if (pinned) {
            try {
                workspace.releaseInputs(jobId, task.inputs());
            } catch (RuntimeException e) {
                // the copies stay pinned: the cache keeps them past its bound, and loses nothing
            }
        }
        return false;
    }

    private void releaseCopy(Path populated) {
        if (populated != null) {
            try {
                workspace.release(populated);
            } catch (RuntimeException e) {
                // the copy is deleted with the task's directory
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The bytes of the regular files under {@code dir} (symlinks not followed: they are not uploaded). */
    private static long treeBytes(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Why Drover killed a task. */
    private enum Kill {
        TIMEOUT(TaskStatus.TIMED_OUT), CANCEL(TaskStatus.CANCELLED), OUTPUT(TaskStatus.FAILED);

        final TaskStatus status;

        Kill(TaskStatus status) {
            this.status = status;
        }
    }

    /**
     * The task runs in a session of its own where {@code setsid} exists, so a signal meant for the
     * worker (a terminal's Ctrl-C, a service manager's stop) does not reach it: the worker decides.
     */
    private static List<String> command(String shellCommand, Optional<TaskUser> user) {
        List<String> shell = user.isPresent() ? user.get().wrap(List.of("/bin/sh", "-c", shellCommand))
                : List.of("/bin/sh", "-c", shellCommand);
        if (SETSID.isEmpty()) {
            return shell;
        }
        // setsid first: it execs setpriv, which execs the shell, so the process Java started leads the session
        List<String> all = new ArrayList<>(List.of(SETSID.get(), "--wait"));
        all.addAll(shell);
        return all;
    }

    /** Null when the process exited by itself, else why Drover killed it. */
    private Kill waitFor(Process process, Task task, BooleanSupplier cancelled, File out, File err) {
        long deadline = task.timeoutMs() > 0 ? System.nanoTime() + task.timeoutMs() * 1_000_000 : Long.MAX_VALUE;
        try {
            while (!process.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                Kill kill = System.nanoTime() - deadline >= 0 ? Kill.TIMEOUT
                        : cancelled.getAsBoolean() ? Kill.CANCEL
                        : out.length() + err.length() > diskCap ? Kill.OUTPUT : null;
                if (kill != null) {
                    killTree(process);
                    return kill;
                }
            }
            return null;
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return Kill.CANCEL;
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
