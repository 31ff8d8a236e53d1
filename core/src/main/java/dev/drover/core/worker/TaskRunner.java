package dev.drover.core.worker;

import dev.drover.core.exec.Outcome;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The task threads: where a claimed bundle's tasks run. Each task is retried in place only when
 * the workload asks ({@code @retries}); its result goes to the publisher. A task that has not
 * started when the worker stops, or whose bundle's lease was lost, is not run: its bundle goes
 * back unsettled, so the claim's successor runs it.
 */
final class TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final CompletableFuture<Void> NOT_RUN = CompletableFuture.completedFuture(null);

    private final WorkerConfig config;
    private final TaskExecutor executor;
    private final Clock clock;
    private final Capacity capacity;
    private final TaskTimes times;
    private final IdleTimer idle;
    private final ResultPublisher publisher;
    private final Lifecycle lifecycle;
    private final Counters counters;
    /** The executor holds no thread while a task runs: a task holds its slot until its future completes. */
    private final boolean threadless;
    private final TaskSlots slots;
    /** Task id to start time (epoch millis) of every task running now, to name the slow ones at shutdown. */
    private final Map<String, Long> running = new ConcurrentHashMap<>();
    /** Results whose outputs are still uploading: published when they are up, waited for at shutdown. */
    private final Set<CompletableFuture<TaskResult>> uploading = ConcurrentHashMap.newKeySet();

    TaskRunner(WorkerConfig config, TaskExecutor executor, Clock clock, Capacity capacity, TaskTimes times,
               IdleTimer idle, ResultPublisher publisher, Lifecycle lifecycle, Counters counters) {
        this.config = config;
        this.executor = executor;
        this.clock = clock;
        this.capacity = capacity;
        this.times = times;
        this.idle = idle;
        this.publisher = publisher;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.threadless = !executor.needsThread();
        this.slots = threadless ? new ThreadlessSlots(config.threads()) : TaskSlots.threads(config.workerId(), config.threads());
    }

    /** Queues the bundle's tasks that no earlier claimant reported. */
    void run(BundleRun run) {
        List<Task> todo = run.bundle.tasks().stream().filter(t -> !run.reported.contains(t.seq())).toList();
        if (todo.isEmpty()) {
            publisher.add(Finished.skipped(run));
            return;
        }
        capacity.hold(todo.size());
        todo.forEach(task -> slots.execute(() -> runTask(run, task)));
    }

    /** Runs one task; the future completes when its slot is free for the next (at once for a task that does not run). */
    private CompletableFuture<?> runTask(BundleRun run, Task task) {
        long begun = capacity.begin();
        CompletableFuture<TaskResult> result;
        try {
            if (lifecycle.stopping() || run.lost) {
                ended(begun);
                return NOT_RUN; // handed back: not settled, so the claim's successor runs it
            }
            if (run.cancelled) {
                publisher.add(Finished.skipped(run));
                ended(begun);
                return NOT_RUN;
            }
            result = execute(run, task);
        } catch (RuntimeException e) {
            log.error("task {} crashed the executor", Task.id(run.jobId(), task.seq()), e);
            ended(begun);
            return NOT_RUN;
        }
        // a thread and its capacity are free for the next task while the outputs upload (the uploads' own
        // bound holds back a task thread that outruns them); the result goes out once they are up. A task
        // with nothing to upload, or of a threadless executor, ends with its result: the result goes first,
        // as the last one must
        uploading.add(result);
        boolean endsWithResult = threadless || result.isDone();
        if (!endsWithResult) {
            ended(begun);
        }
        return result.whenComplete((r, e) -> {
            try {
                if (e != null) {
                    log.error("task {} crashed the executor", Task.id(run.jobId(), task.seq()), e);
                } else if (r != null) {
                    counters.tasksRun.incrementAndGet();
                    publisher.add(Finished.result(run, r));
                }
            } finally {
                uploading.remove(result);
                if (endsWithResult) {
                    ended(begun);
                } else if (capacity.isEmpty()) {
                    publisher.tasksEnded(); // the last task's result: it must not wait out the linger
                }
            }
        });
    }

    private void ended(long begun) {
        idle.busy();
        if (capacity.release(begun)) {
            publisher.tasksEnded();
        }
    }

    /** Runs the task, with its retries; completes with null if it was killed because its bundle is going back. */
    private CompletableFuture<TaskResult> execute(BundleRun run, Task task) {
        String taskId = Task.id(run.jobId(), task.seq());
        publisher.started(new TaskStart(run.jobId(), task.seq(), clock.millis()), run.bundle.seal());
        return attempt(run, task, taskId, task.attempt()).thenApply(a -> {
            running.remove(taskId);
            Outcome out = a.outcome();
            if (run.lost || lifecycle.handingBack() && out.status() == TaskStatus.CANCELLED) {
                return null;
            }
            long finished = clock.millis();
            times.ran(run.jobId(), a.ranMillis());
            return new TaskResult(run.jobId(), task.seq(), task.line(), task.command(), out.status(), out.exitCode(),
                    out.stdout(), out.stderr(), out.stdoutTruncated(), out.stderrTruncated(), config.workerId(),
                    run.bundle.dispatchedAt(), a.startedAt(), finished, a.number() - 1 + run.claimCount, out.error(),
                    task.replica(), out.outputs(), out.stdoutObject(), out.stderrObject(), a.ranMillis());
        });
    }

    /** One attempt at a task: its number, its start (epoch millis), how long it held its slot, and how it ended. */
    private record Attempt(int number, long startedAt, long ranMillis, Outcome outcome) {
    }

    /**
     * Attempt {@code number} and, while the workload allows and it fails, the next ones. An attempt that
     * may be retried waits for its uploads (the next one writes the same keys, and a failed upload fails
     * the attempt), on the task's thread if it has one; the last one's upload goes on off that thread.
     */
    private CompletableFuture<Attempt> attempt(BundleRun run, Task task, String taskId, int number) {
        long started = clock.millis();
        running.put(taskId, started);
        CompletableFuture<Outcome> pending = executor.start(run.jobId(), task,
                () -> run.cancelled || run.lost || lifecycle.handingBack());
        // what the task held its thread for, without its uploads: the measure for fetching ahead
        long held = clock.millis() - started;
        CompletableFuture<Attempt> ended = pending.thenApply(
                out -> new Attempt(number, started, threadless ? clock.millis() - started : held, out));
        if (number >= task.maxAttempts()) {
            return ended;
        }
        if (!threadless) {
            ended.join(); // the next attempt runs on this thread
        }
        return ended.thenCompose(a -> retryable(a.outcome().status()) && !run.cancelled
                ? attempt(run, task, taskId, number + 1) : CompletableFuture.completedFuture(a));
    }

    private static boolean retryable(TaskStatus status) {
        return status == TaskStatus.FAILED || status == TaskStatus.TIMED_OUT;
    }

    /**
     * Lets queued tasks drain (they are skipped, since the worker is stopping) and waits up to
     * {@code deadline} for running ones; false, naming the slow tasks, if some still run.
     */
    boolean finish(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        if (slots.finish(end) && uploaded(end)) {
            return true;
        }
        long now = clock.millis();
        log.warn("worker {}: {} tasks still running after {}: {}", config.workerId(), running.size(), deadline,
                running.entrySet().stream().limit(10).map(e -> e.getKey() + " for " + (now - e.getValue()) + " ms").toList());
        return false;
    }

    /** Waits until {@code end} (System.nanoTime) for the outputs still uploading; true if none is left. */
    private boolean uploaded(long end) throws InterruptedException {
        try {
            CompletableFuture.allOf(uploading.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            // logged with its task where it completed
        } catch (TimeoutException e) {
            return false;
        }
        // the publisher is told in whenComplete, which may run just after allOf completes
        while (!uploading.isEmpty() && System.nanoTime() - end < 0) {
            Thread.sleep(1);
        }
        return uploading.isEmpty();
    }
}
