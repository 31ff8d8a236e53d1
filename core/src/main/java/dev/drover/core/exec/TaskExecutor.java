package dev.drover.core.exec;

import dev.drover.core.model.Task;
import java.util.function.BooleanSupplier;

/** Runs one task to its end: success, failure, timeout, or cancellation when {@code cancelled} turns true. */
public interface TaskExecutor {
    Outcome run(String jobId, Task task, BooleanSupplier cancelled);
}
