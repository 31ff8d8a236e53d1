package dev.drover.bench.suite;

import dev.drover.core.exec.TaskEnvironment;
import dev.drover.bench.suite.Row.Keys;
import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.model.Task;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The two baselines, as tiny loops in this JVM against the same emulators and through the same
 * queue adapter Drover uses ({@code SqsMessageQueue}: one SDK call per batch of up to ten):
 * <ul>
 *   <li>raw: each thread sends ten messages, receives up to ten, deletes what it got; one message
 *       per task, no claim, no result. The emulator's own rate for Drover's access pattern.
 *   <li>naive (the classic CS553 design): one task per message; a worker thread receives one
 *       message, claims it with a conditional DynamoDB write, runs it, sends its result in its own
 *       message and deletes it: four calls per task. The client sends tasks ten to a call and
 *       collects results ten to a call.
 * </ul>
 */
final class BaselineLoops {
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final String BODY = "{\"bundleId\":\"raw\",\"tasks\":[{\"seq\":0,\"line\":1,\"command\":\"sleep 0\"}]}";

    private BaselineLoops() {}

    static Row raw(MessageQueue queue, Supplier<Usage> usage, int threads, int messages) throws InterruptedException {
        Usage before = usage.get();
        AtomicInteger toSend = new AtomicInteger(messages);
        AtomicInteger deleted = new AtomicInteger();
        AtomicLong end = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (deleted.get() < messages && done.getCount() > 0) {
                        int n = reserve(toSend, MessageQueue.MAX_BATCH);
                        if (n > 0) {
                            List<String> bodies = new ArrayList<>(n);
                            for (int k = 0; k < n; k++) {
                                bodies.add(BODY);
                            }
                            queue.send(bodies);
                        }
                        List<Message> got = queue.receive(MessageQueue.MAX_BATCH, WAIT, VISIBILITY);
                        if (!got.isEmpty()) {
                            queue.delete(got);
                            if (deleted.addAndGet(got.size()) >= messages) {
                                end.compareAndSet(0, System.nanoTime());
                                done.countDown();
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    done.countDown();
                }
            }, "drover-bench-raw-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        await(done, failure, "raw loop");
        stop(workers);
        double wall = (end.get() - start) / 1e9;
        Usage calls = usage.get().minus(before);
        return new Row("raw", "raw").put(Keys.WORKERS, threads).put(Keys.MESSAGES, messages).put(Keys.WALL_SECONDS, wall)
                .put(Keys.RAW_MESSAGES_PER_SECOND, messages / wall).put(Keys.SQS_REQUESTS, calls.sqsRequests())
                .put(Keys.SQS_REQUESTS_PER_TASK, calls.sqsRequests() / (double) messages);
    }

    static Row naive(MessageQueue requests, MessageQueue responses, ClaimStore claims, Supplier<Usage> usage, Clock clock,
                     int threads, int tasks) throws InterruptedException {
        Usage before = usage.get();
        String run = "naive-" + UUID.randomUUID().toString().substring(0, 8);
        TaskExecutor executor = Executors.standard(TaskEnvironment.fromWorker(System.getenv()));
        AtomicInteger collected = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        List<Thread> threadsRunning = new ArrayList<>();
        long start = System.nanoTime();
        threadsRunning.add(daemon("drover-bench-naive-submit", failure, done, () -> {
            for (int i = 0; i < tasks && done.getCount() > 0; i += MessageQueue.MAX_BATCH) {
                List<String> bodies = new ArrayList<>();
                for (int k = i; k < Math.min(tasks, i + MessageQueue.MAX_BATCH); k++) {
                    bodies.add(Json.write(Map.of("id", run + "-" + k, "seq", k, "command", "sleep 0")));
                }
                requests.send(bodies);
            }
        }));
        for (int i = 0; i < threads; i++) {
            String worker = run + "-w" + i;
            threadsRunning.add(daemon("drover-bench-naive-" + i, failure, done, () -> {
                while (done.getCount() > 0) {
                    List<Message> got = requests.receive(1, WAIT, VISIBILITY);
                        for (Message m : got) {
                        var body = Json.read(m.body(), Map.class);
                        ClaimOutcome claim = claims.claim((String) body.get("id"), worker, clock.instant(), VISIBILITY);
                        if (claim instanceof ClaimOutcome.Claimed) {
                            Task task = new Task(((Number) body.get("seq")).longValue(), 1, (String) body.get("command"), 0, 1, 1);
                            var outcome = executor.run(run, task, () -> false);
                            responses.send(List.of(Json.write(Map.of("id", body.get("id"), "status", outcome.status().name()))));
                                    }
                        requests.delete(List.of(m));
                            }
                }
            }));
        }
        AtomicLong end = new AtomicLong();
        threadsRunning.add(daemon("drover-bench-naive-collect", failure, done, () -> {
            while (collected.get() < tasks) {
                List<Message> got = responses.receive(MessageQueue.MAX_BATCH, WAIT, VISIBILITY);
                if (!got.isEmpty()) {
                    responses.delete(got);
                        collected.addAndGet(got.size());
                }
            }
            end.set(System.nanoTime());
            done.countDown();
        }));
        await(done, failure, "naive loop");
        stop(threadsRunning);
        double wall = (end.get() - start) / 1e9;
        Usage calls = usage.get().minus(before);
        double sqsPerTask = calls.sqsRequests() / (double) tasks;
        double writesPerTask = calls.dynamoWrites() / (double) tasks;
        double readsPerTask = calls.dynamoReads() / (double) tasks;
        return new Row("naive", "naive").put(Keys.WORKERS, threads).put(Keys.TASKS, tasks).put(Keys.WALL_SECONDS, wall)
                .put(Keys.TASKS_PER_SECOND, tasks / wall).put(Keys.SQS_REQUESTS, calls.sqsRequests()).put(Keys.DYNAMO_WRITES, calls.dynamoWrites())
                .put(Keys.DYNAMO_READS, calls.dynamoReads()).put(Keys.SQS_REQUESTS_PER_TASK, sqsPerTask)
                .put(Keys.DYNAMO_WRITES_PER_TASK, writesPerTask).put(Keys.DYNAMO_READS_PER_TASK, readsPerTask)
                .put(Keys.COST_PER_MILLION_TASKS_USD, Prices.perMillionTasks(sqsPerTask, writesPerTask, readsPerTask, 0));
    }

    private static int reserve(AtomicInteger left, int max) {
        while (true) {
            int l = left.get();
            int n = Math.min(l, max);
            if (n == 0 || left.compareAndSet(l, l - n)) {
                return n;
            }
        }
    }

    private static Thread daemon(String name, AtomicReference<RuntimeException> failure, CountDownLatch done, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                done.countDown();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch done, AtomicReference<RuntimeException> failure, String what)
            throws InterruptedException {
        if (!done.await(600, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not finish in 600 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(what + " failed: " + failure.get(), failure.get());
        }
    }

    /** The loops end by themselves within one receive wait once the work is done. */
    private static void stop(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(WAIT.toMillis() + 5_000);
        }
    }
}
