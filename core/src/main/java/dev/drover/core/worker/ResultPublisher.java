package dev.drover.core.worker;

import dev.drover.core.RetryPolicy;
import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.port.MessageQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where results are published: batches finished tasks into result messages and sends them,
 * retrying until they are out, then hands the batch to the {@link Settler}. Results linger up to
 * {@code resultLinger} to share a message (longer for long tasks: {@link #lingerNanos}), but not
 * once a message's worth waits, nor once no task is running: then none is coming soon, and a job's
 * last results must not wait out the linger.
 * Each message also carries the calls the worker made since the last one, charged to its job.
 *
 * <p>Task starts ride along: each message carries the starts not yet sent (so a task shows RUNNING),
 * a start whose result is already waiting is dropped (the result says more), and starts with no
 * result to ride on go alone, but at most once per {@link #START_INTERVAL}: never a message a task.
 */
final class ResultPublisher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);

    private final WorkerConfig config;
    private final MessageQueue responses;
    private final Settler settler;
    private final HeldBundles held;
    private final Capacity capacity;
    private final TaskTimes times;
    private final Supplier<Usage> usageMeter;
    private final Counters counters;
    private final RetryPolicy retry;
    private final Consumer<RuntimeException> fatal;
    /** Starts with no result to ride on wait at most this long, and go alone at most this often. */
    static final long START_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * Results of long tasks linger up to this share of the tasks' mean run time (when that is longer
     * than {@code resultLinger}), so a worker of 1 s tasks posts a message every half second, not every
     * quarter: each message costs a send, a receive, a delete and a job-store write, and its bundles'
     * request deletes go out together. A result is then late by at most half its task's time (a job's
     * last results are not: see above), and a worker that dies loses to a re-run only that much more.
     */
    static final double LINGER_SHARE = 0.5;
    /** ... and never longer than this, so a job's progress still shows within a second or so. */
    static final long MAX_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    /** At most this many starts in one message (about 60 bytes each), the rest in the next. */
    static final int MAX_STARTS = 1000;
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final Map<String, SealedStart> starts = new LinkedHashMap<>(); // guarded by lock
    private long startsSentAt = System.nanoTime() - START_INTERVAL_NANOS; // publisher thread only
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private long unpublishedBytes; // guarded by lock
    private volatile boolean stop;
    /** Set when the stop's time for publishing is up: the results still unsent stay so. */
    private volatile boolean giveUp;
    /** The batch being sent, for {@link #unpublished} (written by the publisher thread only). */
    private volatile List<Finished> sending = List.of();
    private Usage usageReported = Usage.ZERO; // publisher thread only
    private long duplicatesReported;           // publisher thread only

    ResultPublisher(WorkerConfig config, MessageQueue responses, Settler settler, HeldBundles held, Capacity capacity,
                    TaskTimes times, Supplier<Usage> usageMeter, Counters counters, RetryPolicy retry,
                    Consumer<RuntimeException> fatal) {
        this.config = config;
        this.responses = responses;
        this.settler = settler;
        this.held = held;
        this.capacity = capacity;
        this.times = times;
        this.usageMeter = usageMeter;
        this.counters = counters;
        this.retry = retry;
        this.fatal = fatal;
    }

    /** A start and the seal of its bundle, which signs it. */
    private record SealedStart(TaskStart start, BundleSeal seal) {}

    /** A task of the bundle sealed with {@code seal} has started: it goes out with the next message. */
    void started(TaskStart start, BundleSeal seal) {
        lock.lock();
        try {
            starts.put(Task.id(start.jobId(), start.seq()), new SealedStart(start, seal));
        } finally {
            lock.unlock();
        }
    }

    void add(Finished f) {
        if (f.result() != null) {
            lock.lock();
            try {
                starts.remove(f.result().taskId());
            } finally {
                lock.unlock();
            }
        }
        finished.add(f);
        long bytes = f.bytes();
        if (bytes > 0) {
            lock.lock();
            try {
                unpublishedBytes += bytes;
                if (unpublishedBytes >= config.resultBytes()) {
                    due.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** No task runs any more: publish what waits now. */
    void tasksEnded() {
        lock.lock();
        try {
            due.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Publishes what is queued, then ends the loop. */
    void stop() {
        stop = true;
    }

    /** Stops retrying: the loop ends at its next failure, leaving what it could not send unsent. */
    void giveUp() {
        giveUp = true;
    }

    /** The results not published (yet): those being sent and those waiting, as {@code result JOB/SEQ}. */
    List<String> unpublished() {
        List<Finished> all = new ArrayList<>(sending);
        all.addAll(finished);
        return all.stream().filter(f -> f.result() != null).map(f -> "result " + f.result().taskId()).distinct().toList();
    }

    @Override
    public void run() {
        List<Finished> batch = new ArrayList<>();
        while (true) {
            try {
                Finished first = finished.poll(pollNanos(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    if (startsDue() && !publishStarts()) {
                        return;
                    }
                    settler.retryCompletions();
                    if (stop && finished.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                linger(System.nanoTime() + lingerNanos());
                finished.drainTo(batch);
                long bytes = batch.stream().mapToLong(Finished::bytes).sum();
                lock.lock();
                try {
                    unpublishedBytes = Math.max(0, unpublishedBytes - bytes);
                } finally {
                    lock.unlock();
                }
                sending = List.copyOf(batch);
                if (!publish(batch)) {
                    return;
                }
                settler.settle(batch);
                batch.clear();
                sending = List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // not a queue failure (those are retried above) but one this batch would hit again:
                // give its bundles up, so their leases lapse and they end on the dead-letter queue
                log.error("cannot publish {} results; giving their bundles up", batch.size(), e);
                abandon(batch);
                batch.clear();
                sending = List.of();
            }
        }
    }

    /** How long to wait for a result: 100 ms, or less if waiting starts fall due sooner. */
    private long pollNanos() {
        long max = TimeUnit.MILLISECONDS.toNanos(100);
        lock.lock();
        try {
            if (starts.isEmpty()) {
                return max;
            }
        } finally {
            lock.unlock();
        }
        return Math.max(1, Math.min(max, startsSentAt + START_INTERVAL_NANOS - System.nanoTime()));
    }

    private boolean startsDue() {
        lock.lock();
        try {
            return !starts.isEmpty() && System.nanoTime() - startsSentAt >= START_INTERVAL_NANOS;
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@link #MAX_STARTS} waiting starts, oldest first. */
    private List<SealedStart> takeStarts() {
        lock.lock();
        try {
            List<SealedStart> taken = new ArrayList<>(Math.min(starts.size(), MAX_STARTS));
            var it = starts.values().iterator();
            while (it.hasNext() && taken.size() < MAX_STARTS) {
                taken.add(it.next());
                it.remove();
            }
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Sends waiting starts alone, when no result is there to carry them. */
    private boolean publishStarts() throws InterruptedException {
        List<SealedStart> taken = takeStarts();
        startsSentAt = System.nanoTime();
        if (taken.isEmpty()) {
            return true;
        }
        BatchProofs proofs = new BatchProofs();
        taken.forEach(s -> proofs.start(s.seal(), s.start()));
        return send(List.of(Json.write(new ResultBatch(config.workerId(), taken.get(0).start().jobId(), Usage.ZERO, 0,
                List.of(), taken.stream().map(SealedStart::start).toList(), proofs.proofs()))));
    }

    private void abandon(List<Finished> batch) {
        for (Finished f : batch) {
            if (f.run() != null) {
                f.run().lost = true;
                held.remove(f.run());
            }
        }
    }

    private long lingerNanos() {
        return lingerNanos(config.resultLinger(), times.meanMillis());
    }

    /**
     * {@code configured}, or for tasks of this mean run time (negative: none measured yet) a share of
     * it, at most {@link #MAX_LINGER_NANOS}. Zero stays zero: the operator wants every result out at once.
     */
    static long lingerNanos(Duration configured, double meanMillis) {
        long nanos = configured.toNanos();
        if (nanos == 0 || meanMillis <= 0) {
            return nanos;
        }
        return Math.max(nanos, Math.min(MAX_LINGER_NANOS, (long) (meanMillis * 1e6 * LINGER_SHARE)));
    }

    private void linger(long deadline) throws InterruptedException {
        lock.lock();
        try {
            long left = deadline - System.nanoTime();
            while (left > 0 && !capacity.isEmpty() && unpublishedBytes < config.resultBytes()) {
                left = due.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the batch's results in messages of at most {@code resultBytes}, retrying until they are
     * out; false if a permanent failure stopped the worker (its bundles go back unsettled).
     */
    private boolean publish(List<Finished> batch) throws InterruptedException {
        List<List<TaskResult>> chunks = chunks(batch);
        if (chunks.isEmpty()) {
            return true;
        }
        Usage total = usageMeter.get();
        long dups = counters.duplicates.get();
        List<SealedStart> started = takeStarts();
        startsSentAt = System.nanoTime();
        Map<TaskResult, BundleSeal> seals = new IdentityHashMap<>();
        batch.stream().filter(f -> f.result() != null).forEach(f -> seals.put(f.result(), f.run().bundle.seal()));
        List<String> bodies = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            boolean first = i == 0;
            BatchProofs proofs = new BatchProofs();
            chunks.get(i).forEach(r -> proofs.result(seals.get(r), r));
            if (first) {
                started.forEach(s -> proofs.start(s.seal(), s.start()));
            }
            bodies.add(Json.write(new ResultBatch(config.workerId(), chunks.get(i).get(0).jobId(),
                    first ? total.minus(usageReported) : Usage.ZERO, first ? dups - duplicatesReported : 0, chunks.get(i),
                    first ? started.stream().map(SealedStart::start).toList() : List.of(), proofs.proofs())));
        }
        if (!send(bodies)) {
            return false;
        }
        usageReported = total;
        duplicatesReported = dups;
        return true;
    }

    /**
     * Sends the bodies, retrying until they are out; false if a permanent failure stopped the worker
     * or the worker's stop gave up on them.
     */
    private boolean send(List<String> bodies) throws InterruptedException {
        for (int failures = 0; ; ) {
            try {
                responses.send(bodies);
                break;
            } catch (RuntimeException e) {
                if (!RetryPolicy.retryable(e)) {
                    fatal.accept(e);
                    return false;
                }
                log.warn("publishing results failed (attempt {}): {}", ++failures, e.toString());
                if (giveUp) {
                    return false;
                }
                if (!retry.pause(failures, e)) {
                    throw new InterruptedException();
                }
            }
        }
        return true;
    }

    /** Messages of at most {@code resultBytes}, each of one job, so a scheduler takes or leaves a message whole. */
    private List<List<TaskResult>> chunks(List<Finished> batch) {
        Map<String, List<Finished>> byJob = new LinkedHashMap<>();
        batch.stream().filter(f -> f.result() != null)
                .forEach(f -> byJob.computeIfAbsent(f.result().jobId(), j -> new ArrayList<>()).add(f));
        List<List<TaskResult>> chunks = new ArrayList<>();
        for (List<Finished> results : byJob.values()) {
            List<TaskResult> chunk = new ArrayList<>();
            long bytes = 0;
            for (Finished f : results) {
                if (!chunk.isEmpty() && bytes + f.bytes() > config.resultBytes()) {
                    chunks.add(chunk);
                    chunk = new ArrayList<>();
                    bytes = 0;
                }
                chunk.add(f.result());
                bytes += f.bytes();
            }
            chunks.add(chunk);
        }
        return chunks;
    }

    /** Charges the calls made since the last result message (idle polls, the hand-back) to the last job. */
    void publishLeftoverUsage() {
        Usage left = usageMeter.get().minus(usageReported);
        long dups = counters.duplicates.get() - duplicatesReported;
        if ((left.isZero() && dups == 0) || counters.lastJob.isEmpty()) {
            return;
        }
        responses.send(List.of(Json.write(new ResultBatch(config.workerId(), counters.lastJob, left, dups, List.of()))));
    }
}
