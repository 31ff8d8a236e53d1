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

    /**
     * False for an executor whose {@link #start} returns at once and completes at the task's end,
     * holding no thread meanwhile (a simulated fleet's timed sleeps): a worker then runs as many such
     * tasks at once as it has threads, without a thread for each.
     */
    default boolean needsThread() {
        return true;
    }
}
