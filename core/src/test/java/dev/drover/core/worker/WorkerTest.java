package dev.drover.core.worker;

import dev.drover.core.exec.TaskEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.Outcome;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The worker loop on in-memory adapters: hand-back, drain, idle exit, retries. */
class WorkerTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    final ClaimStore claims = new InMemoryClaimStore();

    Worker worker(String id, int threads, Duration idle) {
        return new Worker(WorkerConfig.defaults(id, threads, idle).withPollWait(Duration.ofMillis(100)),
                requests, responses, claims, Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
    }

    void send(String job, Task... tasks) {
        requests.send(List.of(Json.write(new Bundle(job + ":0", job, clock.millis(), List.of(tasks)))));
    }

    static Task task(long seq, String command) {
        return new Task(seq, (int) seq + 1, command, 0, 1, 1);
    }

    List<TaskResult> collect(int expected, Duration within) {
        return Responses.collect(responses, expected, within);
    }

    @Test
    void aHandedBackBundleRerunsOnlyTheTasksNotYetReported() throws Exception {
        Worker first = worker("first", 1, Duration.ZERO);
        send("j", task(0, "sleep 0"), task(1, "sleep 0"), task(2, "sleep 3000"));
        List<TaskResult> early = collect(2, Duration.ofSeconds(5));
        assertEquals(List.of(0L, 1L), early.stream().map(TaskResult::seq).sorted().toList());
        Thread.sleep(200); // the publisher has recorded what it reported
        first.handBack().get(5, TimeUnit.SECONDS);

        Worker second = worker("second", 1, Duration.ZERO);
        List<TaskResult> rest = collect(1, Duration.ofSeconds(10));
        second.drain().get(10, TimeUnit.SECONDS);
        assertEquals(1, rest.size());
        assertEquals(2, rest.get(0).seq());
        assertEquals("second", rest.get(0).worker());
        assertEquals(2, rest.get(0).attempts(), "re-run after the first claim was handed back");
        assertTrue(collect(1, Duration.ofMillis(500)).isEmpty(), "nothing ran twice");
    }

    @Test
    void drainFinishesRunningTasksAndHandsBackTheRest() throws Exception {
        Worker w = worker("w", 1, Duration.ZERO);
        send("j", task(0, "sleep 500"), task(1, "sleep 500"), task(2, "sleep 500"));
        Thread.sleep(200);
        WorkerStats stats = w.drain().get(10, TimeUnit.SECONDS);
        assertEquals(ExitReason.DRAINED, stats.exitReason());
        List<TaskResult> done = collect(1, Duration.ofSeconds(2));
        assertEquals(1, done.size(), "the running task finished and reported");
        assertEquals(TaskStatus.SUCCEEDED, done.get(0).status());
        Worker next = worker("next", 2, Duration.ZERO);
        List<TaskResult> rest = collect(2, Duration.ofSeconds(5));
        next.drain().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(1L, 2L), rest.stream().map(TaskResult::seq).sorted().toList(), "the rest was handed back at once");
    }

    @Test
    void anIdleWorkerStopsItself() throws Exception {
        long t0 = System.nanoTime();
        WorkerStats stats = worker("idle", 2, Duration.ofMillis(500)).exited().get(5, TimeUnit.SECONDS);
        assertEquals(ExitReason.IDLE, stats.exitReason());
        assertTrue(System.nanoTime() - t0 >= 500_000_000L);
    }

    @Test
    void aFailingTaskIsRetriedOnlyWhenTheWorkloadAsks() throws Exception {
        Worker w = worker("w", 2, Duration.ZERO);
        send("j", new Task(0, 1, "exit 7", 0, 1, 3), task(1, "exit 7"));
        List<TaskResult> results = collect(2, Duration.ofSeconds(10));
        w.drain().get(10, TimeUnit.SECONDS);
        TaskResult retried = results.stream().filter(r -> r.seq() == 0).findFirst().orElseThrow();
        TaskResult once = results.stream().filter(r -> r.seq() == 1).findFirst().orElseThrow();
        assertEquals(3, retried.attempts());
        assertEquals(7, retried.exitCode());
        assertEquals(1, once.attempts());
        assertEquals(TaskStatus.FAILED, once.status());
    }

    @Test
    void resultsShareAMessageWhileTasksRunButTheLastOnesDoNotWaitOutTheLinger() throws Exception {
        Worker w = new Worker(WorkerConfig.defaults("w", 2, Duration.ZERO).withPollWait(Duration.ofMillis(100))
                .withResultLinger(Duration.ofSeconds(2)), requests, responses, claims, Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock,
                () -> Usage.ZERO).start();
        send("j", task(0, "sleep 0"), task(1, "sleep 0"), task(2, "sleep 300"), task(3, "sleep 300"));
        List<Integer> sizes = new ArrayList<>();
        long t0 = System.nanoTime();
        while (sizes.stream().mapToInt(Integer::intValue).sum() < 4 && System.nanoTime() - t0 < 10_000_000_000L) {
            List<Message> got = responses.receive(10, Duration.ofMillis(100), Duration.ofSeconds(30));
            got.forEach(m -> sizes.add(Json.resultBatch(m.body()).results().size()));
            responses.delete(got);
        }
        long took = System.nanoTime() - t0;
        w.drain().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(4), sizes, "the early results waited for the running tasks' results");
        assertTrue(took < 1_500_000_000L, "published when the last task ended, not after the 2 s linger: " + took + " ns");
    }

    List<dev.drover.core.model.ResultBatch> batches(Duration within, java.util.function.Predicate<List<dev.drover.core.model.ResultBatch>> enough)
            throws InterruptedException {
        List<dev.drover.core.model.ResultBatch> all = new ArrayList<>();
        long end = System.nanoTime() + within.toNanos();
        while (!enough.test(all) && System.nanoTime() < end) {
            List<Message> got = responses.receive(10, Duration.ofMillis(50), Duration.ofSeconds(30));
            got.forEach(m -> all.add(Json.resultBatch(m.body())));
            responses.delete(got);
        }
        return all;
    }

    @Test
    void aLongTaskIsReportedStartedSoonAndFewStartMessagesAreSent() throws Exception {
        Worker w = worker("w", 8, Duration.ZERO);
        long t0 = clock.millis();
        Task[] tasks = new Task[8];
        for (int i = 0; i < 8; i++) {
            tasks[i] = task(i, "sleep 1500");
        }
        send("j", tasks);
        List<dev.drover.core.model.ResultBatch> early = batches(Duration.ofSeconds(1),
                b -> b.stream().mapToLong(x -> x.started().size()).sum() >= 8);
        long arrived = clock.millis() - t0;
        List<dev.drover.core.model.TaskStart> starts = early.stream().flatMap(b -> b.started().stream()).toList();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), starts.stream().map(dev.drover.core.model.TaskStart::seq).sorted().toList(),
                "every start reported before any task ended");
        assertTrue(arrived < 1000, "within about the start interval: " + arrived + " ms");
        assertTrue(early.size() <= 2, "starts share a message, not one a task: " + early.size());
        assertTrue(early.stream().allMatch(b -> b.results().isEmpty()), "no result yet");
        assertTrue(starts.stream().allMatch(s -> s.jobId().equals("j") && s.startedAt() >= t0));
        assertEquals("w", early.get(0).worker());
        List<TaskResult> results = collect(8, Duration.ofSeconds(5));
        assertEquals(8, results.size());
        w.drain().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aShortTaskSendsNoStartOnlyItsResult() throws Exception {
        Worker w = worker("w", 2, Duration.ZERO);
        send("j", task(0, "sleep 0"), task(1, "sleep 0"), task(2, "sleep 0"));
        List<dev.drover.core.model.ResultBatch> got = batches(Duration.ofSeconds(3),
                b -> b.stream().mapToLong(x -> x.results().size()).sum() >= 3);
        Thread.sleep(400);
        got.addAll(batches(Duration.ofMillis(300), b -> false));
        w.drain().get(10, TimeUnit.SECONDS);
        assertEquals(3, got.stream().mapToLong(x -> x.results().size()).sum());
        assertEquals(0, got.stream().mapToLong(x -> x.started().size()).sum(),
                "a start whose result was waiting is dropped: the result says more");
    }


    @Test
    void aTaskThreadRunsTheNextTaskWhileTheLastOnesOutputsUploadAndTheirResultWaitsForThem() throws Exception {
        CompletableFuture<Outcome> upload = new CompletableFuture<>();
        java.util.Set<Long> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        TaskExecutor executor = new TaskExecutor() {
            @Override
            public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
                return start(jobId, task, cancelled).join();
            }

            @Override
            public CompletableFuture<Outcome> start(String jobId, Task task,
                    BooleanSupplier cancelled) {
                ran.add(task.seq());
                return task.seq() == 0 ? upload : CompletableFuture.completedFuture(
                        new Outcome(dev.drover.core.model.TaskStatus.SUCCEEDED, 0, "", "", false, false, null));
            }
        };
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, claims, executor, clock, () -> Usage.ZERO).start();
        send("j", task(0, "upload"));
        requests.send(List.of(Json.write(new Bundle("j:1", "j", clock.millis(), List.of(task(1, "next"))))));
        List<TaskResult> first = collect(1, Duration.ofSeconds(5));
        assertEquals(List.of(1L), first.stream().map(TaskResult::seq).toList(),
                "the one thread ran task 1 while task 0's outputs were still uploading; task 0's result waits");
        CompletableFuture<WorkerStats> drained = w.drain();
        Thread.sleep(300);
        assertTrue(!drained.isDone(), "a drain waits for the uploads");
        upload.complete(new Outcome(dev.drover.core.model.TaskStatus.SUCCEEDED, 0, "", "", false, false, null,
                List.of(new OutputFile("a.txt", 3, "abc"))));
        drained.get(10, TimeUnit.SECONDS);
        List<TaskResult> second = collect(1, Duration.ofSeconds(5));
        assertEquals(1, second.size(), "task 0's result went out once its outputs were up");
        assertEquals(List.of(new OutputFile("a.txt", 3, "abc")), second.get(0).outputs());
        assertEquals(java.util.Set.of(0L, 1L), ran);
    }

    /** A claim store whose cancellation read fails the first {@code failures} times. */
    static ClaimStore failingCancelReads(ClaimStore real, int failures) {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(failures);
        return (ClaimStore) java.lang.reflect.Proxy.newProxyInstance(ClaimStore.class.getClassLoader(),
                new Class<?>[] {ClaimStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isCancelled") && left.getAndDecrement() > 0) {
                        throw new dev.drover.core.InfrastructureException("DynamoDB", "InternalServerError", null,
                                dev.drover.core.InfrastructureException.Kind.TRANSIENT, "injected", null);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aFailedCancellationReadAfterAClaimDoesNotKillThePoller() throws Exception {
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, failingCancelReads(claims, 1), Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        send("j", task(0, "sleep 0"));
        assertEquals(1, collect(1, Duration.ofSeconds(5)).size(), "the first bundle ran although its cancel read failed");
        requests.send(List.of(Json.write(new Bundle("j:1", "j", clock.millis(), List.of(task(1, "sleep 0"))))));
        assertEquals(1, collect(1, Duration.ofSeconds(5)).size(), "the poller is still alive");
        w.drain().get(10, TimeUnit.SECONDS);
    }

    /** A worker that outlived its stack (a local fleet's workers have no parent watch) must not poll a dead queue forever. */
    @Test
    void aWorkerWhoseQueueStaysUnreachableForItsIdleTimeoutStopsAsIdle() throws Exception {
        MessageQueue unreachable = new dev.drover.core.queue.ForwardingMessageQueue(requests) {
            @Override
            public List<Message> receive(int max, Duration wait, Duration visibility) {
                throw new dev.drover.core.InfrastructureException("AWS", null, null,
                        dev.drover.core.InfrastructureException.Kind.TRANSIENT, "Connection refused", null);
            }
        };
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ofMillis(500)), unreachable, responses, claims,
                Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        assertEquals(ExitReason.IDLE, w.exited().get(10, TimeUnit.SECONDS).exitReason());
    }

    @Test
    void aBundleOfAJobTheWorkerRunsTakesThatJobsFlagWithoutARead() throws Exception {
        java.util.concurrent.atomic.AtomicInteger pollerReads = new java.util.concurrent.atomic.AtomicInteger();
        ClaimStore counted = (ClaimStore) java.lang.reflect.Proxy.newProxyInstance(ClaimStore.class.getClassLoader(),
                new Class<?>[] {ClaimStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isCancelled") && Thread.currentThread().getName().startsWith("drover-cancel-read")) {
                        pollerReads.incrementAndGet(); // read at a claim, not by the watcher
                    }
                    try {
                        return method.invoke(claims, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Worker w = new Worker(WorkerConfig.defaults("w", 2, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, counted, Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        send("j", task(0, "sleep 2000"));
        long end = System.nanoTime() + 5_000_000_000L;
        while (pollerReads.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(1, pollerReads.get(), "the job's first bundle reads its flag");
        requests.send(List.of(Json.write(new Bundle("j:1", "j", clock.millis(), List.of(task(1, "sleep 0"))))));
        assertEquals(List.of(1L), collect(1, Duration.ofSeconds(5)).stream().map(TaskResult::seq).toList());
        assertEquals(1, pollerReads.get(), "a bundle of a job the worker holds takes the held bundle's flag");
        claims.cancelJob("k", clock.instant());
        requests.send(List.of(Json.write(new Bundle("k:0", "k", clock.millis(), List.of(task(0, "sleep 0"))))));
        end = System.nanoTime() + 5_000_000_000L;
        while (pollerReads.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(2, pollerReads.get(), "another job's first bundle reads its own flag");
        w.handBack().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPermanentQueueFailureStopsTheWorkerCleanly() throws Exception {
        MessageQueue gone = new dev.drover.core.queue.ForwardingMessageQueue(requests) {
            @Override
            public List<Message> receive(int max, Duration wait, Duration visibility) {
                throw new dev.drover.core.InfrastructureException("SQS", "AWS.SimpleQueueService.NonExistentQueue", "r1",
                        dev.drover.core.InfrastructureException.Kind.PERMANENT, "no such queue", null);
            }
        };
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO), gone, responses, claims,
                Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        assertEquals(ExitReason.FAILED, w.exited().get(5, TimeUnit.SECONDS).exitReason());
    }

    @Test
    void aDrainPastItsDeadlineKillsTheRunningTasksAndHandsThemBack() throws Exception {
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100))
                .withDrainTimeout(Duration.ofMillis(300)), requests, responses, claims, Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock,
                () -> Usage.ZERO).start();
        send("j", task(0, "/bin/sleep 30"));
        Thread.sleep(500);
        long t0 = System.nanoTime();
        WorkerStats stats = w.drain().get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "bounded by the deadline, not the task");
        assertEquals(ExitReason.DRAINED, stats.exitReason());
        assertTrue(collect(1, Duration.ofMillis(500)).isEmpty(), "the killed task reports nothing: it goes back");
        assertEquals(1, requests.depth().visible(), "its bundle is visible again at once");
    }

    @Test
    void aSlowCancellationCheckNeverDelaysTheLeaseRenewal() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        ClaimStore slowCancelReads = (ClaimStore) java.lang.reflect.Proxy.newProxyInstance(ClaimStore.class.getClassLoader(),
                new Class<?>[] {ClaimStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isCancelled") && reads.incrementAndGet() > 1) {
                        Thread.sleep(6_000); // the watcher's reads hang, as a slow SDK call would
                    }
                    try {
                        return method.invoke(claims, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WorkerConfig base = WorkerConfig.defaults("slow", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100))
                .withLease(Duration.ofMillis(600), Duration.ofMillis(200));
        Worker slow = new Worker(base, requests, responses, slowCancelReads, Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        send("j", task(0, "sleep 3000"));
        Thread.sleep(300);
        Worker rival = new Worker(WorkerConfig.defaults("rival", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100))
                .withLease(Duration.ofMillis(600), Duration.ofMillis(200)), requests, responses, claims,
                Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        List<TaskResult> results = collect(2, Duration.ofSeconds(8));
        slow.handBack().get(10, TimeUnit.SECONDS);
        rival.drain().get(10, TimeUnit.SECONDS);
        assertEquals(1, results.size(), "the lease held: the task ran once, not again by the rival");
        assertEquals("slow", results.get(0).worker());
    }

    /** Every call of every port fails from {@code gone} on, as when all the AWS endpoints have vanished. */
    static <T> T goneWhen(Class<T> port, T real, java.util.concurrent.atomic.AtomicBoolean gone) {
        return port.cast(java.lang.reflect.Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port},
                (proxy, method, args) -> {
                    if (gone.get() && method.getDeclaringClass() != Object.class) {
                        throw new dev.drover.core.InfrastructureException("AWS", null, null,
                                dev.drover.core.InfrastructureException.Kind.TRANSIENT, "Connection refused", null);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    @Test
    void aWorkerWhoseEndpointsAreGoneStopsWithinItsBoundAndSaysWhatItCouldNotHandBack() throws Exception {
        var gone = new java.util.concurrent.atomic.AtomicBoolean();
        var claimed = new java.util.concurrent.CountDownLatch(1);
        ClaimStore watched = (ClaimStore) java.lang.reflect.Proxy.newProxyInstance(ClaimStore.class.getClassLoader(),
                new Class<?>[] {ClaimStore.class}, (proxy, method, args) -> {
                    Object r = method.invoke(claims, args);
                    if (method.getName().equals("claim")) {
                        claimed.countDown();
                    }
                    return r;
                });
        // the drain timeout is long enough for the short task to end even on a busy machine, not for the long one
        Duration drain = Duration.ofSeconds(5);
        Worker w = new Worker(WorkerConfig.defaults("w", 2, Duration.ZERO).withPollWait(Duration.ofMillis(100))
                .withDrainTimeout(drain), goneWhen(MessageQueue.class, requests, gone),
                goneWhen(MessageQueue.class, responses, gone), goneWhen(ClaimStore.class, watched, gone),
                Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();
        java.nio.file.Path started = java.nio.file.Files.createTempDirectory("worker-test").resolve("started");
        send("j", task(0, "touch '" + started + "'; sleep 0.3"), task(1, "/bin/sleep 30"));
        assertTrue(claimed.await(10, TimeUnit.SECONDS), "the bundle was claimed");
        for (int i = 0; i < 200 && !java.nio.file.Files.exists(started); i++) {
            Thread.sleep(50); // until the short task runs: the long one starts beside it
        }
        Thread.sleep(100);
        gone.set(true);
        long t0 = System.nanoTime();
        WorkerStats stats = w.drain().get(drain.plus(Worker.STOP_GRACE).plusSeconds(5).toSeconds(), TimeUnit.SECONDS);
        long took = System.nanoTime() - t0;
        assertTrue(took < drain.plus(Worker.STOP_GRACE).toNanos(), "stopped within drain + grace: " + took);
        assertEquals(ExitReason.DRAINED, stats.exitReason());
        assertEquals(List.of("result j/0", "bundle j:0", "message j:0"), stats.notHandedBack(),
                "the finished task's result was not published, its bundle not released, its message not made visible");
    }
}
