package dev.drover.core.worker;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Outcome;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one worker loop, for the in-JVM pool and for remote workers alike:
 * <b>claim → execute → publish results → mark done → delete message</b>.
 *
 * <p>A poller receives bundles only when the task threads are about to run out of work (capacity
 * is reserved before polling), claims each in the claim store, and hands its tasks to
 * {@code threads} task threads. For short tasks it fetches the next bundle while the last tasks of
 * the current ones still run, so the round trips to the queue and the claim store do not leave
 * threads idle; for long tasks it waits for a free thread, so it never holds work that another
 * worker could start sooner. A publisher
 * batches results into response messages, then completes the claims of finished bundles and
 * deletes their messages in batches. A heartbeat extends leases and visibility of running bundles,
 * records which tasks have reported, and notices cancelled jobs.
 */
public final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final int RESULT_OVERHEAD_BYTES = 320;
    /** How soon a cancelled job's running tasks are killed: one read per running job this often. */
    private static final long CANCEL_CHECK_MS = 1000;
    /** Bound on the tasks queued ahead per thread (for tasks near zero length). */
    private static final int MAX_AHEAD_PER_THREAD = 50;

    public enum ExitReason { IDLE, DRAINED, HANDED_BACK }

    /** An event for the publisher: a task's result, a task skipped for a cancelled job, or a duplicate. */
    private record Finished(BundleRun run, TaskResult result, Message duplicate) {}

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final MessageQueue responses;
    private final ClaimStore claims;
    private final TaskExecutor executor;
    private final Clock clock;
    private final Supplier<Usage> usageMeter;

    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService heartbeat;
    private final Thread poller;
    private final Thread publisher;
    private final Map<String, BundleRun> runs = new ConcurrentHashMap<>();
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    /** Guards {@link #pending} and {@link #unpublishedBytes}; task threads signal the poller and the publisher. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final Condition resultsDue = lock.newCondition();
    private int pending; // tasks handed to the pool and not yet ended
    private long unpublishedBytes; // estimated size of the results waiting for the publisher
    private final AtomicLong tasksRun = new AtomicLong();
    private final AtomicLong bundlesRun = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final CompletableFuture<WorkerStats> exit = new CompletableFuture<>();
    private final long startedAt;
    private volatile boolean polling = true;
    private volatile boolean handingBack;
    private volatile boolean publisherStop;
    private volatile long lastBusyMillis;
    /**
     * Moving average of the run times of {@link #meanJob}'s tasks on this worker; negative until
     * one has ended. Per job, so that one job's short tasks never make the worker hoard another's.
     */
    private volatile double meanTaskMillis = -1;
    private volatile String meanJob = "";
    private volatile String lastJob = "";
    private volatile int lastBundleTasks = 1;
    private Usage usageReported = Usage.ZERO; // publisher thread only
    private long duplicatesReported;           // publisher thread only
    private final AtomicInteger stopping = new AtomicInteger();

    public Worker(WorkerConfig config, MessageQueue requests, MessageQueue responses, ClaimStore claims,
                  TaskExecutor executor, Clock clock, Supplier<Usage> usageMeter) {
        this.config = config;
        this.requests = requests;
        this.responses = responses;
        this.claims = claims;
        this.executor = executor;
        this.clock = clock;
        this.usageMeter = usageMeter;
        String id = config.workerId();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> named(r, "drover-task-" + id + "-" + n.incrementAndGet()));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> named(r, "drover-heartbeat-" + id));
        this.poller = named(this::pollLoop, "drover-poll-" + id);
        this.publisher = named(this::publishLoop, "drover-publish-" + id);
        this.startedAt = clock.millis();
        this.lastBusyMillis = startedAt;
    }

    private static Thread named(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public Worker start() {
        poller.start();
        publisher.start();
        long beat = config.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        heartbeat.scheduleWithFixedDelay(this::checkCancelled, CANCEL_CHECK_MS, CANCEL_CHECK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Completes when the worker has stopped, for whatever reason. */
    public CompletableFuture<WorkerStats> exited() {
        return exit;
    }

    /** Graceful stop (SIGTERM): take nothing new, finish running tasks, hand back the rest. */
    public CompletableFuture<WorkerStats> drain() {
        return stop(ExitReason.DRAINED);
    }

    /** Fast stop (spot interruption): kill running tasks and hand back every bundle at once. */
    public CompletableFuture<WorkerStats> handBack() {
        handingBack = true;
        return stop(ExitReason.HANDED_BACK);
    }

    private CompletableFuture<WorkerStats> stop(ExitReason reason) {
        if (stopping.getAndIncrement() == 0) {
            polling = false;
            lock.lock();
            try {
                room.signalAll();
            } finally {
                lock.unlock();
            }
            named(() -> shutdown(reason), "drover-stop-" + config.workerId()).start();
        }
        return exit;
    }

    // ---- polling and claiming ----

    private void pollLoop() {
        int failures = 0;
        while (polling) {
            int room = awaitRoom();
            if (!polling) {
                break;
            }
            List<Message> messages;
            try {
                messages = requests.receive(Math.min(room, MessageQueue.MAX_BATCH), config.pollWait(), config.lease());
                failures = 0;
            } catch (RuntimeException e) {
                log.warn("receive failed (attempt {}): {}", ++failures, e.toString());
                Backoff.pause(failures);
                continue;
            }
            if (messages.isEmpty()) {
                if (isIdle()) {
                    log.info("worker {} idle for {}; exiting", config.workerId(), config.idleTimeout());
                    stop(ExitReason.IDLE);
                }
                continue;
            }
            lastBusyMillis = clock.millis();
            Map<String, Boolean> cancelledJobs = new HashMap<>(); // one read per job and receive
            messages.forEach(m -> accept(m, cancelledJobs));
        }
    }

    private boolean isIdle() {
        if (config.idleTimeout().isZero() || !runs.isEmpty()) {
            return false;
        }
        lock.lock();
        try {
            return pending == 0 && clock.millis() - lastBusyMillis >= config.idleTimeout().toMillis();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until fewer tasks are pending than the fetch window; returns how many bundles to ask
     * for: one per free thread, or when fetching ahead, as many as fill the window at the size of
     * the last bundle (one round trip then brings what several small tail bundles hold).
     */
    private int awaitRoom() {
        lock.lock();
        try {
            while (polling && pending >= window()) {
                room.await(100, TimeUnit.MILLISECONDS);
            }
            if (pending < config.threads()) {
                return config.threads() - pending;
            }
            int perBundle = Math.max(1, lastBundleTasks);
            return Math.max(1, (window() - pending + perBundle - 1) / perBundle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tasks this worker may hold: one per thread, plus {@code fetchAhead} worth of tasks per
     * thread once it has seen them to be short. Long tasks (or none yet) get no fetch-ahead.
     */
    private int window() {
        double mean = meanTaskMillis;
        int ahead = mean < 0 ? 0 : (int) Math.min(MAX_AHEAD_PER_THREAD,
                config.fetchAhead().toNanos() / 1e6 / Math.max(mean, 1));
        return config.threads() * (1 + ahead);
    }

    private void accept(Message message, Map<String, Boolean> cancelledJobs) {
        Bundle bundle;
        try {
            bundle = Json.bundle(message.body());
        } catch (IllegalArgumentException e) {
            // left alone, it is redelivered until the queue dead-letters it
            log.error("unreadable bundle message {}: {}", message.id(), e.getMessage());
            return;
        }
        lastJob = bundle.jobId();
        if (!bundle.jobId().equals(meanJob)) {
            meanJob = bundle.jobId();
            meanTaskMillis = -1;
        }
        ClaimOutcome outcome;
        try {
            outcome = claims.claim(bundle.bundleId(), config.workerId(), clock.instant(), config.lease());
        } catch (RuntimeException e) {
            log.warn("claim of {} failed, leaving it for redelivery: {}", bundle.bundleId(), e.toString());
            return;
        }
        if (outcome instanceof ClaimOutcome.Done) {
            duplicates.incrementAndGet();
            finished.add(new Finished(null, null, message));
        } else if (outcome instanceof ClaimOutcome.Claimed c) {
            start(new BundleRun(message, bundle, c.claimCount(), c.reported()), cancelledJobs);
        }
        // Busy: another worker holds a live lease; the message reappears and is settled by its holder
    }

    private void start(BundleRun run, Map<String, Boolean> cancelledJobs) {
        runs.put(run.bundleId(), run);
        run.cancelled = cancelledJobs.computeIfAbsent(run.jobId(), claims::isCancelled);
        List<Task> todo = run.bundle.tasks().stream().filter(t -> !run.reported.contains(t.seq())).toList();
        lastBundleTasks = todo.size();
        if (todo.isEmpty()) {
            finished.add(new Finished(run, null, null));
            return;
        }
        lock.lock();
        try {
            pending += todo.size();
        } finally {
            lock.unlock();
        }
        todo.forEach(task -> pool.execute(() -> runTask(run, task)));
    }

    // ---- executing ----

    private void runTask(BundleRun run, Task task) {
        long resultBytes = 0;
        try {
            if (stopping.get() > 0 || run.lost) {
                return; // handed back: not settled, so the claim's successor runs it
            }
            if (run.cancelled) {
                finished.add(new Finished(run, null, null));
                return;
            }
            long started;
            Outcome out;
            int attempt = task.attempt() - 1;
            do { // a failing task is retried in place only when the workload asks (@retries)
                attempt++;
                started = clock.millis();
                out = executor.run(run.jobId(), task, () -> run.cancelled || run.lost || handingBack);
            } while (attempt < task.maxAttempts() && retryable(out.status()) && !run.cancelled);
            if (run.lost || handingBack && out.status() == TaskStatus.CANCELLED) {
                return;
            }
            tasksRun.incrementAndGet();
            if (run.jobId().equals(meanJob)) { // benign races: the mean is only a hint
                long took = clock.millis() - started;
                double mean = meanTaskMillis;
                meanTaskMillis = mean < 0 ? took : mean * 0.9 + took * 0.1;
            }
            Finished result = new Finished(run, new TaskResult(run.jobId(), task.seq(), task.line(), task.command(),
                    out.status(), out.exitCode(), out.stdout(), out.stderr(), out.stdoutTruncated(),
                    out.stderrTruncated(), config.workerId(), run.bundle.dispatchedAt(), started, clock.millis(),
                    attempt - 1 + run.claimCount, out.error()), null);
            resultBytes = estimate(result);
            finished.add(result);
        } catch (RuntimeException e) {
            log.error("task {} crashed the executor", Task.id(run.jobId(), task.seq()), e);
        } finally {
            lastBusyMillis = clock.millis();
            lock.lock();
            try {
                pending--;
                unpublishedBytes += resultBytes;
                if (pending < window()) {
                    room.signal();
                }
                if (pending == 0 || unpublishedBytes >= config.resultBytes()) {
                    resultsDue.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static boolean retryable(TaskStatus status) {
        return status == TaskStatus.FAILED || status == TaskStatus.TIMED_OUT;
    }

    // ---- publishing, completing, deleting ----

    private void publishLoop() {
        List<Finished> batch = new ArrayList<>();
        while (true) {
            try {
                Finished first = finished.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (publisherStop && finished.isEmpty()) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                linger(System.nanoTime() + config.resultLinger().toNanos());
                finished.drainTo(batch);
                long bytes = batch.stream().mapToLong(Worker::estimate).sum();
                lock.lock();
                try {
                    unpublishedBytes = Math.max(0, unpublishedBytes - bytes);
                } finally {
                    lock.unlock();
                }
                flush(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.error("publisher error", e);
            }
        }
    }

    /**
     * Waits until {@code deadline} for more results to share the message, but not once a message's
     * worth is waiting, nor when every task has ended: then none is coming soon, and the job's last
     * results must not wait out the linger.
     */
    private void linger(long deadline) throws InterruptedException {
        lock.lock();
        try {
            long left = deadline - System.nanoTime();
            while (left > 0 && pending > 0 && unpublishedBytes < config.resultBytes()) {
                left = resultsDue.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private static long estimate(Finished f) {
        TaskResult r = f.result;
        return r == null ? 0 : RESULT_OVERHEAD_BYTES + r.command().length() + r.stdout().length() + r.stderr().length();
    }

    private void flush(List<Finished> batch) {
        List<List<TaskResult>> chunks = new ArrayList<>();
        List<TaskResult> chunk = new ArrayList<>();
        long bytes = 0;
        for (Finished f : batch) {
            if (f.result == null) {
                continue;
            }
            if (!chunk.isEmpty() && bytes + estimate(f) > config.resultBytes()) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(f.result);
            bytes += estimate(f);
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        if (!chunks.isEmpty()) {
            publish(chunks, chunks.get(0).get(0).jobId());
        }
        Set<BundleRun> touched = new LinkedHashSet<>();
        List<Message> deletes = new ArrayList<>();
        for (Finished f : batch) {
            if (f.duplicate != null) {
                deletes.add(f.duplicate);
            }
            if (f.run != null) {
                if (f.result != null) {
                    f.run.reported.add(f.result.seq());
                }
                f.run.settled++;
                touched.add(f.run);
            }
        }
        for (BundleRun run : touched) {
            if (run.settled >= run.toRun && !run.lost && runs.remove(run.bundleId()) != null) {
                try {
                    claims.complete(run.bundleId(), config.workerId(), clock.instant());
                    bundlesRun.incrementAndGet();
                    deletes.add(run.message);
                } catch (RuntimeException e) {
                    // results are out; if the bundle is redelivered its successor finds them all reported
                    log.warn("could not mark {} done: {}", run.bundleId(), e.toString());
                }
            }
        }
        if (!deletes.isEmpty()) {
            try {
                requests.delete(deletes);
            } catch (RuntimeException e) {
                // an undeleted message comes back, is found done, and is deleted then
                log.warn("delete failed: {}", e.toString());
            }
        }
    }

    /** Sends result messages, retrying until they are out: a result is never dropped. */
    private void publish(List<List<TaskResult>> chunks, String usageJob) {
        Usage total = usageMeter.get();
        long dups = duplicates.get();
        List<String> bodies = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            boolean first = i == 0;
            bodies.add(Json.write(new ResultBatch(config.workerId(), usageJob,
                    first ? total.minus(usageReported) : Usage.ZERO, first ? dups - duplicatesReported : 0,
                    chunks.get(i))));
        }
        for (int failures = 0; ; ) {
            try {
                responses.send(bodies);
                break;
            } catch (RuntimeException e) {
                log.warn("publishing results failed (attempt {}): {}", ++failures, e.toString());
                Backoff.pause(failures);
            }
        }
        usageReported = total;
        duplicatesReported = dups;
    }

    // ---- heartbeat ----

    private void beat() {
        try {
            List<BundleRun> live = new ArrayList<>(runs.values());
            if (live.isEmpty()) {
                return;
            }
            List<Message> extend = new ArrayList<>();
            for (BundleRun run : live) {
                if (claims.renew(run.bundleId(), config.workerId(), clock.instant(), config.lease(), Set.copyOf(run.reported))) {
                    extend.add(run.message);
                } else if (runs.containsKey(run.bundleId())) { // else it was completed meanwhile: no loss
                    log.warn("lost the lease on {}; abandoning it", run.bundleId());
                    run.lost = true;
                    runs.remove(run.bundleId());
                }
            }
            requests.changeVisibility(extend, config.lease());
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: {}", e.toString());
        }
    }

    private void checkCancelled() {
        try {
            List<BundleRun> live = new ArrayList<>(runs.values());
            live.stream().map(BundleRun::jobId).distinct().filter(claims::isCancelled)
                    .forEach(job -> live.stream().filter(r -> r.jobId().equals(job)).forEach(r -> r.cancelled = true));
        } catch (RuntimeException e) {
            log.warn("cancellation check failed: {}", e.toString());
        }
    }

    // ---- shutdown ----

    private void shutdown(ExitReason reason) {
        try {
            if (reason == ExitReason.HANDED_BACK) {
                poller.interrupt();
            }
            poller.join();
            pool.shutdown();
            pool.awaitTermination(365, TimeUnit.DAYS);
            publisherStop = true;
            publisher.join();
            handBackRemaining();
            publishLeftoverUsage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("error while stopping worker {}", config.workerId(), e);
        } finally {
            heartbeat.shutdownNow();
            WorkerStats stats = new WorkerStats(config.workerId(), startedAt, clock.millis(), tasksRun.get(),
                    bundlesRun.get(), duplicates.get(), reason.name());
            log.info("worker {} stopped ({}): {} tasks in {} bundles over {} s", stats.workerId(), reason,
                    stats.tasksRun(), stats.bundlesRun(), stats.lifetimeSeconds());
            exit.complete(stats);
        }
    }

    /** Releases every bundle still held, keeping what was reported, and makes its message visible now. */
    private void handBackRemaining() {
        List<Message> messages = new ArrayList<>();
        for (BundleRun run : runs.values()) {
            try {
                claims.release(run.bundleId(), config.workerId(), clock.instant(), Set.copyOf(run.reported));
            } catch (RuntimeException e) {
                log.warn("release of {} failed; its lease lapses by itself: {}", run.bundleId(), e.toString());
            }
            messages.add(run.message);
        }
        runs.clear();
        if (!messages.isEmpty()) {
            requests.changeVisibility(messages, Duration.ZERO);
        }
    }

    /** Charges the calls made since the last result message (idle polls, the hand-back) to the last job. */
    private void publishLeftoverUsage() {
        Usage left = usageMeter.get().minus(usageReported);
        long dups = duplicates.get() - duplicatesReported;
        if ((left.isZero() && dups == 0) || lastJob.isEmpty()) {
            return;
        }
        responses.send(List.of(Json.write(new ResultBatch(config.workerId(), lastJob, left, dups, List.of()))));
    }
}
