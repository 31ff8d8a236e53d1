package dev.drover.core.exec;

import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where a shell task's files come from and its outputs go: the worker's files cache and the payload store. */
public interface Workspace {
    /** Fills the task's fresh working directory with the job's files pack (fetched once per worker). */
    void populate(String filesSha256, Path workDir) throws IOException;

    /**
     * Takes back the working directory {@link #populate} filled, once the task has ended and before
     * the directory is deleted (the files cache may lend the copy again, after checking it).
     */
    default void release(Path workDir) {}

    /**
     * Lays out, in {@code dir}, the outputs of the tasks a task waits on, as {@code NAME/REPLICA/}
     * (each upstream task's fetched once per worker, read-only).
     */
    default void inputs(String jobId, List<TaskInput> inputs, Path dir) throws IOException {
        throw new IOException("this worker has no store to fetch the outputs of the tasks this one waits on from");
    }

    /** The task {@link #inputs} laid these inputs out for has ended (called whether or not that succeeded). */
    default void releaseInputs(String jobId, List<TaskInput> inputs) {}

    /** Uploads every file left in the task's output directory, returning what was uploaded. */
    List<OutputFile> collect(String jobId, Task task, Path outputDir) throws IOException;

    /**
     * Keeps a task's whole stdout or stderr ({@code name} is {@code stdout} or {@code stderr}) when it
     * outgrew what the result holds inline: uploaded, streamed from {@code file}, under the task's
     * output prefix as {@code .drover/<name>}. Null where there is no store to keep it in.
     */
    default OutputFile keepStream(String jobId, Task task, String name, Path file) throws IOException {
        return null;
    }

    /** No files store: a job with files fails its tasks; outputs stay unlisted. */
    Workspace NONE = new Workspace() {
        @Override
        public void populate(String filesSha256, Path workDir) throws IOException {
            throw new IOException("this worker has no files store for the job's files " + filesSha256);
        }

        @Override
        public List<OutputFile> collect(String jobId, Task task, Path outputDir) {
            return List.of();
        }
    };
}
