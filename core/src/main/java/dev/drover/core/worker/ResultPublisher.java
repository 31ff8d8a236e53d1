package dev.drover.core.worker;

import dev.drover.core.RetryPolicy;
import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.port.MessageQueue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where results are published: batches finished tasks into result messages and sends them,
 * retrying until they are out, then hands the batch to the {@link Settler}. How long results wait to
 * share a message is the {@link ResultLinger}'s call. Each message also carries the calls the worker
 * made since the last one, charged to its job ({@link UsageCharges}).
 *
 * <p>Task starts ride along: each message carries the starts not yet sent (so a task shows RUNNING);
 * the {@link WaitingStarts} say which, and when starts with no result to ride on go alone. Every message
 * holds one job's results and starts, behind a plain {@link dev.drover.core.codec.Route} header naming it.
 */
final class ResultPublisher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);
    /** Queued to wake the loop (a stop, a first start waiting): it carries nothing, so it is harmless in a batch. */
    private static final Finished WAKE = new Finished(null, null, null);

    private final WorkerConfig config;
    private final MessageQueue responses;
    private final Settler settler;
    private final HeldBundles held;
    private final RetryPolicy retry;
    private final Consumer<RuntimeException> fatal;
    private final ResultLinger linger;
    private final WaitingStarts starts = new WaitingStarts();
    private final UsageCharges usage;
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private volatile boolean stop;
    /** Set when the stop's time for publishing is up: the results still unsent stay so. */
    private volatile boolean giveUp;
    /** The batch being sent, for {@link #unpublished} (written by the publisher thread only). */
    private volatile List<Finished> sending = List.of();

    ResultPublisher(WorkerConfig config, MessageQueue responses, Settler settler, HeldBundles held, Capacity capacity,
                    TaskTimes times, Supplier<Usage> usageMeter, Counters counters, RetryPolicy retry,
                    Consumer<RuntimeException> fatal) {
        this.config = config;
        this.responses = responses;
        this.settler = settler;
        this.held = held;
        this.retry = retry;
        this.fatal = fatal;
        this.linger = new ResultLinger(config, capacity, times);
        this.usage = new UsageCharges(usageMeter, counters);
    }

    /** A task of the bundle sealed with {@code seal} has started: it goes out with the next message. */
    void started(TaskStart start, BundleSeal seal) {
        if (starts.started(start, seal)) {
            finished.add(WAKE); // the loop may be waiting for a result alone: the start must go without one too
        }
    }

    void add(Finished f) {
        if (f.result() != null) {
            starts.resulted(f.result().taskId());
        }
        finished.add(f);
        linger.added(f.bytes());
    }

    /** No task runs any more: publish what waits now. */
    void tasksEnded() {
        linger.tasksEnded();
    }

    /** Publishes what is queued, then ends the loop. */
    void stop() {
        stop = true;
        finished.add(WAKE);
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
                Finished first = next();
                if (first == null || first == WAKE) {
                    if (starts.due() && !publishStarts()) {
                        return;
                    }
                    if (stop && finished.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                linger.linger();
                finished.drainTo(batch);
                linger.taken(batch.stream().mapToLong(Finished::bytes).sum());
                sending = List.copyOf(batch);
                if (!publish(batch)) {
                    return;
                }
                settler.sent(batch);
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

    /**
     * The next finished task: waits for one as long as no start waits to go, else until starts are due (null
     * then); once stopping, null if none is queued. An idle worker's publisher does not wake.
     */
    private Finished next() throws InterruptedException {
        if (stop) {
            return finished.poll(); // the stop's wake may have gone out with the last batch
        }
        long wait = starts.pollNanos();
        return wait < 0 ? finished.take() : finished.poll(wait, TimeUnit.NANOSECONDS);
    }

    /** Sends waiting starts alone, when no result is there to carry them. */
    private boolean publishStarts() throws InterruptedException {
        List<WaitingStarts.SealedStart> taken = starts.take();
        if (taken.isEmpty()) {
            return true;
        }
        List<String> bodies = new ArrayList<>();
        byJob(taken).values().forEach(starts -> bodies.add(startsOnly(starts)));
        return send(bodies);
    }

    /** A message of one job's starts alone. */
    private String startsOnly(List<WaitingStarts.SealedStart> starts) {
        BatchProofs proofs = new BatchProofs();
        starts.forEach(s -> proofs.start(s.seal(), s.start()));
        return Json.routed(new ResultBatch(config.workerId(), starts.get(0).start().jobId(), Usage.ZERO, 0, List.of(),
                starts.stream().map(WaitingStarts.SealedStart::start).toList(), proofs.proofs()));
    }

    /**
     * Starts by job: each message holds one job's results and starts, so its route names one job and only
     * that job's owner, among scheduler replicas, decodes it.
     */
    private static Map<String, List<WaitingStarts.SealedStart>> byJob(List<WaitingStarts.SealedStart> starts) {
        Map<String, List<WaitingStarts.SealedStart>> byJob = new LinkedHashMap<>();
        starts.forEach(s -> byJob.computeIfAbsent(s.start().jobId(), j -> new ArrayList<>()).add(s));
        return byJob;
    }

    private void abandon(List<Finished> batch) {
        for (Finished f : batch) {
            if (f.run() != null) {
                f.run().lost = true;
                held.remove(f.run());
            }
        }
    }

    /**
     * Sends the batch's results in messages of at most {@code resultBytes}, retrying until they are
     * out; false if a permanent failure stopped the worker (its bundles go back unsettled). A message the
     * queue refuses as too large (results that compress badly, and no store for the rest) is not retried as
     * it is: the results go one a message, and the bundle of a result the queue still refuses is given up.
     */
    private boolean publish(List<Finished> batch) throws InterruptedException {
        List<List<TaskResult>> chunks = chunks(batch, config.resultBytes());
        if (chunks.isEmpty()) {
            return true;
        }
        UsageCharges.Charge charge = usage.next();
        List<WaitingStarts.SealedStart> taken = starts.take();
        Map<TaskResult, BundleSeal> seals = new IdentityHashMap<>();
        batch.stream().filter(f -> f.result() != null).forEach(f -> seals.put(f.result(), f.run().bundle.seal()));
        try {
            if (!send(bodies(chunks, taken, seals, charge))) {
                return false;
            }
        } catch (IllegalArgumentException refused) {
            log.warn("a result message was refused ({}): its results go one a message", refused.getMessage());
            List<List<TaskResult>> singles = chunks(batch, 0);
            List<String> bodies = bodies(singles, taken, seals, charge);
            for (int i = 0; i < bodies.size(); i++) {
                try {
                    if (!send(List.of(bodies.get(i)))) {
                        return false;
                    }
                } catch (IllegalArgumentException tooLarge) {
                    if (i >= singles.size()) {
                        throw tooLarge; // starts alone: bounded far below any queue's limit
                    }
                    giveUp(batch, singles.get(i).get(0), tooLarge);
                }
            }
        }
        usage.charged(charge);
        return true;
    }

    /**
     * Gives up the bundle of a result no message can carry, and takes the result out of the batch: its lease lapses,
     * so the bundle comes again (to end on the dead-letter queue, and its task reported FAILED, if it always does this).
     */
    private void giveUp(List<Finished> batch, TaskResult result, IllegalArgumentException why) {
        log.error("the result of task {} is past the queue's limit alone ({}): its bundle is given up", result.taskId(),
                why.getMessage());
        batch.stream().filter(f -> f.result() == result).findFirst().ifPresent(f -> {
            abandon(List.of(f));
            batch.remove(f);
        });
    }

    /** The messages of these chunks: a job's starts ride on its first chunk, the calls' charge on the first message. */
    private List<String> bodies(List<List<TaskResult>> chunks, List<WaitingStarts.SealedStart> taken,
                                Map<TaskResult, BundleSeal> seals, UsageCharges.Charge charge) {
        Map<String, List<WaitingStarts.SealedStart>> started = byJob(taken);
        List<String> bodies = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            boolean first = i == 0;
            String job = chunks.get(i).get(0).jobId();
            List<WaitingStarts.SealedStart> jobStarts = Objects.requireNonNullElse(started.remove(job), List.of());
            BatchProofs proofs = new BatchProofs();
            chunks.get(i).forEach(r -> proofs.result(seals.get(r), r));
            jobStarts.forEach(s -> proofs.start(s.seal(), s.start()));
            bodies.add(Json.routed(new ResultBatch(config.workerId(), job, first ? charge.usage() : Usage.ZERO,
                    first ? charge.duplicates() : 0, chunks.get(i),
                    jobStarts.stream().map(WaitingStarts.SealedStart::start).toList(), proofs.proofs())));
        }
        started.values().forEach(jobStarts -> bodies.add(startsOnly(jobStarts))); // starts of jobs with no result here
        return bodies;
    }

    /**
     * Sends the bodies, retrying until they are out; false if a permanent failure stopped the worker
     * or the worker's stop gave up on them.
     */
    private boolean send(List<String> bodies) throws InterruptedException {
        for (int failures = 0; ; ) {
            try {
                long began = System.nanoTime();
                responses.send(bodies);
                linger.sent(System.nanoTime() - began);
                break;
            } catch (IllegalArgumentException refused) {
                throw refused; // these bodies can never go: trying again would loop for good
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

    /** Messages of at most {@code maxBytes} (0: one result each), each of one job, so a scheduler takes or leaves a message whole. */
    private static List<List<TaskResult>> chunks(List<Finished> batch, int maxBytes) {
        Map<String, List<Finished>> byJob = new LinkedHashMap<>();
        batch.stream().filter(f -> f.result() != null)
                .forEach(f -> byJob.computeIfAbsent(f.result().jobId(), j -> new ArrayList<>()).add(f));
        List<List<TaskResult>> chunks = new ArrayList<>();
        for (List<Finished> results : byJob.values()) {
            List<TaskResult> chunk = new ArrayList<>();
            long bytes = 0;
            for (Finished f : results) {
                if (!chunk.isEmpty() && bytes + f.bytes() > maxBytes) {
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
        UsageCharges.Charge left = usage.next();
        String lastJob = usage.lastJob();
        if (left.isZero() || lastJob.isEmpty()) {
            return;
        }
        responses.send(List.of(Json.routed(new ResultBatch(config.workerId(), lastJob, left.usage(), left.duplicates(), List.of()))));
    }
}
