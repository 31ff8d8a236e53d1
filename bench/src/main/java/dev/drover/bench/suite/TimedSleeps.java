package dev.drover.bench.suite;

import dev.drover.core.exec.Outcome;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The simulated fleet's tasks: {@code sleep N} as a timer on a small shared pool, in real wall time,
 * holding no thread while it sleeps, so a thousand simulated workers of 16 slots each fit in one
 * JVM. The worker around it is the real one ({@code TaskExecutor.needsThread} false: it runs its
 * thread count of such tasks at once). Anything else fails at once: the fleet simulates only sleeps.
 * A cancellation is seen at the sleep's end, not within 100 ms as the real sleep sees it.
 */
final class TimedSleeps implements TaskExecutor, AutoCloseable {
    private static final Outcome DONE = new Outcome(TaskStatus.SUCCEEDED, 0, "", "", false, false, null);
    private static final Outcome CANCELLED = Outcome.of(TaskStatus.CANCELLED, "cancelled");

    private final ScheduledThreadPoolExecutor timers;

    TimedSleeps(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.timers = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "drover-sim-timer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
        return start(jobId, task, cancelled).join();
    }

    @Override
    public CompletableFuture<Outcome> start(String jobId, Task task, BooleanSupplier cancelled) {
        long millis = task.sleepMillis();
        if (millis < 0) {
            return CompletableFuture.completedFuture(Outcome.of(TaskStatus.FAILED, "the simulated fleet runs only sleep N"));
        }
        if (millis == 0) {
            return CompletableFuture.completedFuture(DONE);
        }
        CompletableFuture<Outcome> end = new CompletableFuture<>();
        timers.schedule(() -> end.complete(cancelled.getAsBoolean() ? CANCELLED : DONE), millis, TimeUnit.MILLISECONDS);
        return end;
    }

    @Override
    public boolean needsThread() {
        return false;
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
