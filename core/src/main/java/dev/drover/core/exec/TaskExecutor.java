package dev.drover.core.exec;

import dev.drover.core.model.Task;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** Runs one task to its end: success, failure, timeout, or cancellation when {@code cancelled} turns true. */
public interface TaskExecutor {
    Outcome run(String jobId, Task task, BooleanSupplier cancelled);

    /**
     * Runs the task on the calling thread, but what follows its end (uploading its outputs) may go on
     * elsewhere, leaving the thread free for the next task: the future completes with the whole outcome.
     */
    default CompletableFuture<Outcome> start(String jobId, Task task, BooleanSupplier cancelled) {
        return CompletableFuture.completedFuture(run(jobId, task, cancelled));
    }
}
