package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Outcome;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker whose executor needs no thread (a simulated fleet's): as many tasks at once as it has threads, and no task threads. */
class ThreadlessWorkerTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();

    /** {@code sleep N} as a timer; {@code fail-once} fails its first attempt. */
    final TaskExecutor timed = new TaskExecutor() {
        @Override
        public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
            throw new UnsupportedOperationException("needs no thread");
        }

        @Override
        public CompletableFuture<Outcome> start(String jobId, Task task, BooleanSupplier cancelled) {
            starts.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            CompletableFuture<Outcome> end = new CompletableFuture<>();
            boolean fail = task.command().equals("fail-once") && task.attempt() == 1 && starts.get() == 1;
            long millis = fail ? 10 : Math.max(0, task.sleepMillis());
            timer.schedule(() -> {
                running.decrementAndGet();
                end.complete(fail ? Outcome.of(TaskStatus.FAILED, "first attempt")
                        : new Outcome(TaskStatus.SUCCEEDED, 0, "", "", false, false, null));
            }, millis, TimeUnit.MILLISECONDS);
            return end;
        }

        @Override
        public boolean needsThread() {
            return false;
        }
    };

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    Worker worker(String id, int threads) {
        return new Worker(WorkerConfig.defaults(id, threads, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, new InMemoryClaimStore(), timed, clock, () -> Usage.ZERO).start();
    }

    List<TaskResult> collect(int expected, Duration within) {
        return Responses.collect(responses, expected, within);
    }

    @Test
    void runsAsManyTasksAtOnceAsItHasThreadsWithoutAThreadForEach() throws Exception {
        Worker w = worker("timed", 4);
        List<Task> tasks = LongStream.range(0, 12).mapToObj(i -> new Task(i, (int) i + 1, "sleep 200", 0, 1, 1)).toList();
        requests.send(List.of(Json.write(new Bundle("j:0", "j", clock.millis(), tasks))));
        List<TaskResult> results = collect(12, Duration.ofSeconds(10));
        boolean taskThreads = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("drover-task-timed"));
        w.drain().get(10, TimeUnit.SECONDS);
        assertEquals(12, results.size());
        assertEquals(4, mostAtOnce.get(), "four slots, all used, never more");
        assertTrue(results.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED && r.heldMillis() >= 200),
                "a task's run time is to its end, not to its start's return");
        assertTrue(!taskThreads, "no task threads");
    }

    @Test
    void aFailedAttemptIsRetriedAfterItEnds() throws Exception {
        Worker w = worker("retry", 2);
        requests.send(List.of(Json.write(new Bundle("r:0", "r", clock.millis(), List.of(new Task(0, 1, "fail-once", 0, 1, 2))))));
        List<TaskResult> results = collect(1, Duration.ofSeconds(10));
        w.drain().get(10, TimeUnit.SECONDS);
        assertEquals(1, results.size());
        assertEquals(TaskStatus.SUCCEEDED, results.get(0).status());
        assertEquals(2, results.get(0).attempts());
    }
}
