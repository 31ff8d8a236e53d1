package dev.drover.scheduler.dispatch;

import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams each job's workload onto the request queue, ten bundles a call ({@link BundlePlanner}
 * cuts them), and no more than {@code maxOutstanding} tasks waiting or running at once. Whose turn
 * it is comes from a {@link DispatchOrder}: {@link FairOrder} under {@link Policy#FAIR} (the
 * default), {@link FifoOrder} under {@link Policy#FIFO}. A fault in one job is that job's problem:
 * a send that keeps failing puts the job back in line behind the others, a bundle the queue refuses
 * outright is reported FAILED with the queue's reason ({@link BundleSender}), and the dispatcher
 * goes on with everyone else. It is the one sender on the request queue: the single-task bundles
 * of {@code collect/Isolation} go through it too.
 *
 * <p>The dispatch cursor is saved <em>before</em> each send, with the sizes of the bundles being
 * sent, so a restarted scheduler re-sends exactly those bundles under the same ids (duplicates the
 * claim store skips) and nothing is sent twice under different ids. What each job sends next, and
 * whether its cursor is saved, is kept in {@link JobBatches}.
 */
public final class Dispatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_BUNDLE_BYTES = 256 * 1024;
    private static final int BUNDLE_MARGIN_BYTES = 2048;

    private final Clock clock;
    private final Supplier<Collection<JobState>> activeJobs;
    private final Persistence persistence;
    private final BundleSender sender;
    private final BiConsumer<JobState, List<TaskResult>> decided;
    private final DispatchOrder order;
    private final Set<JobState> lostWork = ConcurrentHashMap.newKeySet();
    private final JobBatches batches;
    /** Single-task bundles {@code collect/Isolation} asks to send, oldest first. */
    private final Queue<Bundle> isolated = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private volatile ToIntFunction<String> weights = user -> 1;
    private volatile AcrossReplicas across = AcrossReplicas.NONE;
    private volatile BooleanSupplier mayDispatch = () -> true;
    /** Jobs another replica has taken: their next turn forgets them. */
    private final Set<JobState> released = ConcurrentHashMap.newKeySet();
    private final Queue<Runnable> chores = new ConcurrentLinkedQueue<>();

    public Dispatcher(SchedulerConfig config, Backend backend, Clock clock, Sealer sealer, Supplier<Collection<JobState>> activeJobs,
               Persistence persistence, BiConsumer<JobState, List<TaskResult>> decided) {
        this.clock = clock;
        this.activeJobs = activeJobs;
        this.persistence = persistence;
        this.sender = new BundleSender(backend, clock, decided);
        this.decided = decided;
        // a bundle always fits one message of SQS's size (before compression), so none goes to S3
        int bundleByteLimit = Math.min(backend.requests().maxMessageBytes(), MAX_BUNDLE_BYTES) - BUNDLE_MARGIN_BYTES;
        this.batches = new JobBatches(config, clock, sealer, bundleByteLimit, persistence, decided);
        this.order = config.policy() == Policy.FAIR
                ? new FairOrder(config, clock, activeJobs, this::weight, batches::saved, this::forget, () -> across)
                : new FifoOrder(config, activeJobs);
    }

    public void enqueue(JobState job) {
        order.add(job);
    }

    /** Asks for the job's dispatched tasks without a result to be sent again (see {@link LostWorkWatch}). */
    public void redispatchLost(JobState job) {
        if (lostWork.add(job)) {
            order.add(job);
        }
    }

    /** Sends this bundle of {@code collect/Isolation} from the dispatcher's thread, metered to its job, as soon as it can. */
    public void isolate(Bundle bundle) {
        isolated.add(bundle);
    }

    public void stop() {
        running = false;
    }

    /**
     * While this says no, nothing is sent (a replica whose heartbeat lease may be passing to another);
     * a batch whose cursor is saved waits, and goes once it says yes (or its job's next owner re-sends it).
     */
    public void gate(BooleanSupplier mayDispatch) {
        this.mayDispatch = mayDispatch;
    }

    /** Runs {@code chore} on the dispatcher's thread before its next turn (or first, if it has not started). */
    public void onItsThread(Runnable chore) {
        chores.add(chore);
    }

    /** Stops sending for the job at once: another replica owns it now. */
    public void release(JobState job) {
        released.add(job);
    }

    /** What the other replicas hold: under fair share, their users' work counts, and a user's running quota is this replica's part of it. */
    public void acrossReplicas(AcrossReplicas across) {
        this.across = across;
    }

    /** Where users' fair-share weights come from (default: every user weighs 1). */
    public void weights(ToIntFunction<String> weightOf) {
        this.weights = weightOf;
    }

    @Override
    public void run() {
        while (running) {
            for (Runnable chore = chores.poll(); chore != null; chore = chores.poll()) {
                chore.run();
            }
            if (!mayDispatch.getAsBoolean()) {
                BundleSender.pause(20);
                continue;
            }
            sendIsolated();
            Optional<DispatchOrder.Turn> turn;
            try {
                turn = order.next();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.error("choosing the next job to dispatch failed; the next round goes on", e); // the loop never dies
                BundleSender.pause(100);
                continue;
            }
            if (turn.isPresent()) {
                take(turn.get());
            }
        }
        batches.close();
    }

    private void take(DispatchOrder.Turn turn) {
        try {
            order.sent(turn, sendBatch(turn));
        } catch (FencedOutException e) {
            log.info("job {}: taken by another replica; this one stops sending it", turn.job().jobId());
            order.failed(turn); // its next turn forgets it
        } catch (RuntimeException | WorkloadException e) {
            log.error("dispatching job {} failed; it goes on later", turn.job().jobId(), e);
            order.failed(turn);
        }
    }

    /**
     * Sends the job's next batch (after any lost work); true when the job has nothing more to send.
     * A batch that does not fit the turn's room waits, planned, for a later turn.
     */
    private boolean sendBatch(DispatchOrder.Turn turn) throws WorkloadException {
        JobState job = turn.job();
        if (job.cancelled() || job.done() || released.remove(job)) {
            forget(job);
            return true;
        }
        if (job.dependencies().waitingForJobs()) {
            return true; // depend/JobWaits enqueues it again once the jobs it waits on have succeeded
        }
        if (!batches.saved(job) && lostWork.remove(job)) { // (a saved batch goes first: its tasks are not lost)
            resendLost(job);
        }
        List<BundlePlanner.Planned> batch = batches.unsent(job);
        if (batch == null) {
            batch = plan(job, turn);
            if (batch == null) {
                forget(job);
                return true;
            }
            if (batch.isEmpty()) {
                return true; // what it has left waits on a dependency: the result that lets it go enqueues the job again
            }
            batches.planned(job, batch);
        }
        if (!batches.saved(job)) {
            List<Integer> sizes = batch.stream().map(BundlePlanner.Planned::size).toList();
            if (!turn.room().test(sizes.stream().mapToLong(Integer::longValue).sum())) {
                BundleSender.pause(5);
                return false;
            }
            Long from = batches.heldFrom(job);
            // before the send: a restart re-sends these, under these ids
            // (not for a job that ended or was cancelled meanwhile: its final record is saved already)
            if (from == null) {
                if (!persistence.saveBeforeSend(job, () -> job.recordSending(sizes))) {
                    return false;
                }
                job.sending(sizes);
            } else {
                if (!persistence.saveBeforeSend(job, () -> job.held().recordSending(from, sizes))) {
                    return false;
                }
                job.held().sending(from, sizes);
            }
            batches.markSaved(job);
        }
        if (!mayDispatch.getAsBoolean() || !sender.send(job, batch)) {
            return false;
        }
        batches.sent(job);
        if (!batches.planner(job).hasNext() && !job.held().any()) {
            forget(job);
            return true;
        }
        return false;
    }

    /**
     * The job's next batch: from a held range that may go now, else at its cursor, which passes the
     * stages that wait (the job holds them) so independent lines below flow. Empty: all it has left
     * waits; null: it has nothing left to send.
     */
    private List<BundlePlanner.Planned> plan(JobState job, DispatchOrder.Turn turn) throws WorkloadException {
        if (job.dependencies().any()) {
            Optional<List<BundlePlanner.Planned>> released = batches.nextHeld(job, turn);
            if (released.isPresent()) {
                return released.get();
            }
        }
        BundlePlanner planner = batches.planner(job);
        do {
            cancelBlocked(job, planner);
        } while (planner.passWaiting());
        if (!planner.hasNext()) {
            return job.held().any() ? List.of() : null;
        }
        return planner.plan(turn.maxBundles(), turn.maxTasks(), List.of(), turn.caps());
    }

    /**
     * Ends, CANCELLED, the tasks at the job's cursor that a dependency which did not succeed blocks:
     * their results are recorded before the cursor moved past them is saved, so a restart in between
     * decides them again, to the same results (the first final result wins).
     */
    private void cancelBlocked(JobState job, BundlePlanner planner) throws WorkloadException {
        for (List<TaskResult> cancelled = planner.takeBlocked(1000, clock.millis()); !cancelled.isEmpty();
                cancelled = planner.takeBlocked(1000, clock.millis())) {
            int n = cancelled.size();
            job.skip(n);
            decided.accept(job, new ArrayList<>(cancelled));
            persistence.saveCursor(job);
        }
    }

    private int weight(String user) {
        try {
            return Math.max(1, weights.applyAsInt(user));
        } catch (RuntimeException e) {
            log.warn("weight of user {} unknown ({}); taking 1", user, e.toString());
            return 1;
        }
    }

    /** Where every user with tasks not yet final stands under fair share now; safe from any thread. */
    public List<FairStandings.Standing> standings() {
        return FairStandings.of(activeJobs.get(), this::weight);
    }

    /**
     * Sends the bundles {@link #isolate} queued, in order; one that fails to go waits for the next
     * round. A bundle of a job that has ended (every task final) is dropped: nothing in it is left to run.
     */
    private void sendIsolated() {
        for (Bundle b = isolated.peek(); b != null && running; b = isolated.peek()) {
            String jobId = b.jobId();
            JobState job = activeJobs.get().stream().filter(j -> j.jobId().equals(jobId)).findFirst().orElse(null);
            if (job != null && !job.done()) {
                BundlePlanner.Planned single = new BundlePlanner.Planned(b.tasks().get(0).seq(), b.tasks().size(),
                        Json.bundleBody(b), b.tasks());
                if (!sender.send(job, List.of(single))) {
                    return;
                }
            }
            isolated.poll();
        }
    }

    /** Sends again, under fresh ids, every dispatched task of the job that has no result. */
    private void resendLost(JobState job) throws WorkloadException {
        List<Long> missing = job.unreported(); // ascending, below the cursor
        if (missing.isEmpty()) {
            return;
        }
        List<Task> tasks = new ArrayList<>(missing.size());
        job.tasks().forEach(missing.stream().mapToLong(Long::longValue).iterator(),
                (seq, spec) -> tasks.add(job.dependencies().task(seq, spec)));
        List<BundlePlanner.Planned> bundles = batches.replan(job, tasks);
        log.warn("job {}: {} dispatched tasks have neither a result nor a live claim; sending them again", job.jobId(), tasks.size());
        for (int i = 0; i < bundles.size(); i += MessageQueue.MAX_BATCH) {
            List<BundlePlanner.Planned> batch = bundles.subList(i, Math.min(bundles.size(), i + MessageQueue.MAX_BATCH));
            while (running && !sender.send(job, batch)) {
                BundleSender.pause(100);
            }
        }
    }

    private void forget(JobState job) {
        batches.forget(job);
        sender.forget(job);
    }

    /** Re-sends what a restarted scheduler may have been sending when it stopped: the same bundles, the same ids. */
    public void resumeSending(JobState job, List<Integer> sizes, long from) throws WorkloadException {
        if (sizes.isEmpty()) {
            return;
        }
        batches.resume(job, sizes, from);
    }
}
