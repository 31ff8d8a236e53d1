/**
 * How a task runs: the {@link dev.drover.core.exec.TaskExecutor} port and the standard executor,
 * which serves the built-in {@code sleep N} without a process (timer-lateness aware) and runs any other
 * line with {@code /bin/sh -c} in a fresh directory, capping output and killing the process tree on a
 * timeout or cancellation; with a {@link dev.drover.core.exec.TaskUser} it runs the line as that
 * unprivileged user (through {@code setpriv}); its outputs then upload on
 * {@link dev.drover.core.exec.OutputUploads}, off the task's thread.
 */
package dev.drover.core.exec;
