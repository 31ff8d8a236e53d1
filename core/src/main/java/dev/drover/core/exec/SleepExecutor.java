package dev.drover.core.exec;

import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.util.function.BooleanSupplier;

/** The built-in {@code sleep N}: holds a worker thread N milliseconds, no process. */
final class SleepExecutor {
    /** Cancellation and timeouts are checked this often while sleeping. */
    private static final long SLICE_MS = 100;
    private static final Outcome DONE = new Outcome(TaskStatus.SUCCEEDED, 0, "", "", false, false, null);

    Outcome run(Task task, long millis, BooleanSupplier cancelled) {
        if (millis == 0) {
            return DONE;
        }
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        long limit = task.timeoutMs() > 0 ? start + task.timeoutMs() * 1_000_000 : Long.MAX_VALUE;
        try {
            while (true) {
                long now = System.nanoTime();
                if (now - limit >= 0) {
                    return Outcome.of(TaskStatus.TIMED_OUT, "timed out after " + task.timeoutMs() + " ms");
                }
                if (now - end >= 0) {
                    return DONE;
                }
                if (cancelled.getAsBoolean()) {
                    return Outcome.of(TaskStatus.CANCELLED, "cancelled");
                }
                long sliceNanos = Math.min(Math.min(end - now, limit - now), SLICE_MS * 1_000_000);
                Thread.sleep(sliceNanos / 1_000_000, (int) (sliceNanos % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.of(TaskStatus.CANCELLED, "interrupted");
        }
    }
}
