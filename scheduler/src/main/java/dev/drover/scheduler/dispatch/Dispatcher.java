package dev.drover.scheduler.dispatch;

import dev.drover.core.InfrastructureException;
import dev.drover.core.RetryPolicy;
import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.Backend;
import dev.drover.scheduler.SchedulerConfig;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams each job's workload onto the request queue, first come first served across jobs, ten
 * bundles a call ({@link BundlePlanner} cuts them), and no more than {@code maxOutstanding} tasks
 * waiting or running at once. A fault in one job is that job's problem: a send that keeps failing
 * puts the job back in line behind the others, a bundle the queue refuses outright is reported
 * FAILED with the queue's reason, and the dispatcher goes on with everyone else.
 *
 * <p>Under {@link Policy#FAIR} (the default) the line is not global: each round {@link FairShare}
 * picks the user holding the least of the fleet for their weight, and that user's job of highest
 * priority (then the oldest) sends one batch. The work on the queue or running is kept to a window
 * of about two bundles a fleet thread, so a newcomer's bundles are not queued behind everything
 * sent before; and while several users have work to send, bundles shrink to {@code bundleWork}, so
 * that no bundle holds a thread for long. {@link Policy#FIFO} keeps the global order.
 *
 * <p>The dispatch cursor is saved <em>before</em> each send, with the sizes of the bundles being
 * sent, so a restarted scheduler re-sends exactly those bundles under the same ids (duplicates the
 * claim store skips) and nothing is sent twice under different ids.
 */
public final class Dispatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_BUNDLE_BYTES = 256 * 1024;
    private static final int BUNDLE_MARGIN_BYTES = 2048;
    /** Send attempts for one batch before its job goes to the back of the line. */
    private static final int ATTEMPTS_BEFORE_YIELD = 3;

    private final Sealer sealer;
    private final SchedulerConfig config;
    private final Backend backend;
    private final Clock clock;
    private final Supplier<Collection<JobState>> activeJobs;
    private final Persistence persistence;
    private final BiConsumer<JobState, List<TaskResult>> decided;
    private final RetryPolicy retry = RetryPolicy.DEFAULT;
    private final BlockingQueue<JobState> jobs = new LinkedBlockingQueue<>();
    private final Set<JobState> lostWork = ConcurrentHashMap.newKeySet();
    private final Map<JobState, BundlePlanner> planners = new HashMap<>(); // dispatcher thread only
    private final Map<JobState, List<BundlePlanner.Planned>> unsent = new HashMap<>(); // dispatcher thread only
    private final Set<JobState> saved = new HashSet<>(); // unsent batches whose cursor is saved; dispatcher thread only
    private final Map<JobState, Integer> failures = new HashMap<>(); // dispatcher thread only
    private final int bundleByteLimit;
    private volatile boolean running = true;
    /** Fair share: the largest bundle of a user alone (what a newcomer may have to wait for), ms of expected work. */
    public static final double FAIR_MAX_BUNDLE_MILLIS = 2_000;
    /** Fair share: expected work on the queue or running, per fleet thread: a thread finds its next bundle waiting. */
    public static final double FAIR_WINDOW_MILLIS_PER_THREAD = 2 * FAIR_MAX_BUNDLE_MILLIS;
    /** Fair share: a job whose dispatch threw waits this long for its next turn; the others go on. */
    private static final long FAIR_HOLD_BACK_MILLIS = 1000;
    private final FairShare fairShare = new FairShare(); // dispatcher thread only
    private final Set<JobState> waiting = new LinkedHashSet<>(); // fair: jobs with work to send; dispatcher thread only
    private final Map<JobState, Long> heldBack = new HashMap<>(); // fair: a failing job's next turn; dispatcher thread only
    private volatile ToIntFunction<String> weights = user -> 1;
    /** Single-task bundles {@code collect/Isolation} asks to send, oldest first. */
    private final Queue<Bundle> isolated = new ConcurrentLinkedQueue<>();

    public Dispatcher(SchedulerConfig config, Backend backend, Clock clock, Sealer sealer, Supplier<Collection<JobState>> activeJobs,
               Persistence persistence, BiConsumer<JobState, List<TaskResult>> decided) {
        this.config = config;
        this.sealer = sealer;
        this.backend = backend;
        this.clock = clock;
        this.activeJobs = activeJobs;
        this.persistence = persistence;
        this.decided = decided;
        // a bundle always fits one message of SQS's size (before compression), so none goes to S3
        this.bundleByteLimit = Math.min(backend.requests().maxMessageBytes(), MAX_BUNDLE_BYTES) - BUNDLE_MARGIN_BYTES;
    }

    public void enqueue(JobState job) {
        jobs.add(job);
    }

    /** Asks for the job's dispatched tasks without a result to be sent again (see {@link LostWorkWatch}). */
    public void redispatchLost(JobState job) {
        if (lostWork.add(job)) {
            jobs.add(job);
        }
    }

    /** Sends this bundle of {@code collect/Isolation} from the dispatcher's thread, metered to its job, as soon as it can. */
    public void isolate(Bundle bundle) {
        isolated.add(bundle);
    }

    public void stop() {
        running = false;
    }

    /** Where users' fair-share weights come from (default: every user weighs 1). */
    public void weights(ToIntFunction<String> weightOf) {
        this.weights = weightOf;
    }

    @Override
    public void run() {
        while (running) {
            sendIsolated();
            if (config.policy() == Policy.FAIR) {
                try {
                    fairRound();
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    log.error("a fair-share round failed; the next one goes on", e); // the loop never dies
                    pause(100);
                }
                continue;
            }
            JobState job = null;
            try {
                job = jobs.poll(100, TimeUnit.MILLISECONDS);
                if (job != null && !step(job)) {
                    jobs.add(job); // more to send: behind every other job in line
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | WorkloadException e) {
                log.error("dispatching job {} failed; it goes on later", job == null ? "?" : job.jobId, e);
                if (job != null) {
                    pause(1000);
                    jobs.add(job);
                }
            }
        }
        planners.values().forEach(BundlePlanner::close);
    }

    /**
     * Sends the job's next batch, or a lost-work batch; true when the job has nothing more to send now.
     * A job sends batch after batch while it has room and is the only one waiting.
     */
    private boolean step(JobState job) throws WorkloadException {
        if (job.cancelled() || job.done()) {
            forget(job);
            return true;
        }
        if (!saved.contains(job) && lostWork.remove(job)) { // (a saved batch goes first: its tasks are not lost)
            resendLost(job);
        }
        do {
            List<BundlePlanner.Planned> batch = unsent.get(job);
            if (batch == null) {
                BundlePlanner planner = planner(job);
                if (!planner.hasNext()) {
                    forget(job);
                    return true;
                }
                batch = planner.plan(MessageQueue.MAX_BATCH, config.quotas().maxRunningTasks() - userOutstanding(job), List.of());
                unsent.put(job, batch);
            }
            if (!saved.contains(job)) {
                List<Integer> sizes = batch.stream().map(BundlePlanner.Planned::size).toList();
                if (!hasRoom(job, sizes.stream().mapToLong(Integer::longValue).sum())) {
                    pause(5);
                    return false;
                }
                persistence.save(job.recordSending(sizes)); // before the send: a restart re-sends these, under these ids
                job.sending(sizes);
                saved.add(job);
            }
            if (!send(job, batch)) {
                return false;
            }
            unsent.remove(job);
            saved.remove(job);
        } while (running && jobs.isEmpty() && !job.cancelled());
        return !planner(job).hasNext();
    }

    /** Fair share: one job, chosen by {@link FairShare} among the users with work, sends one batch. */
    private void fairRound() throws InterruptedException {
        if (waiting.isEmpty()) {
            JobState first = jobs.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            waiting.add(first);
        }
        for (JobState j = jobs.poll(); j != null; j = jobs.poll()) {
            waiting.add(j);
        }
        long now = clock.millis();
        Map<String, double[]> loads = new HashMap<>(); // owner -> {outstanding tasks, outstanding work}
        double totalWork = 0;
        long totalTasks = 0;
        for (JobState j : activeJobs.get()) {
            long o = j.outstanding();
            if (o > 0) {
                double work = o * FairStandings.meanTaskMillis(j);
                double[] l = loads.computeIfAbsent(j.owner, k -> new double[2]);
                l[0] += o;
                l[1] += work;
                totalTasks += o;
                totalWork += work;
            }
        }
        double window = FAIR_WINDOW_MILLIS_PER_THREAD * config.fleetThreads();
        boolean room = totalTasks == 0 || (totalTasks < config.maxOutstanding()
                && (totalWork < window || totalTasks < 2L * config.fleetThreads()));
        Map<String, JobState> next = new HashMap<>(); // per user with work to send now: the job that goes first
        Set<String> withWork = new HashSet<>();
        for (Iterator<JobState> it = waiting.iterator(); it.hasNext(); ) {
            JobState j = it.next();
            if (j.cancelled() || j.done()) {
                forget(j);
                heldBack.remove(j);
                it.remove();
                continue;
            }
            withWork.add(j.owner);
            double[] l = loads.get(j.owner);
            boolean underQuota = l == null || l[0] < config.quotas().maxRunningTasks();
            // a batch whose cursor is saved goes out whatever the room: a restart would re-send it anyway
            if (heldBack.getOrDefault(j, 0L) <= now && (saved.contains(j) || (room && underQuota))) {
                next.merge(j.owner, j, (a, b) -> ahead(a, b) ? a : b);
            }
        }
        fairShare.retain(withWork);
        if (next.isEmpty()) {
            pause(5);
            return;
        }
        List<FairShare.Claim> claims = new ArrayList<>(next.size());
        for (String user : next.keySet()) {
            double[] l = loads.get(user);
            claims.add(new FairShare.Claim(user, weight(user), l == null ? 0 : l[1]));
        }
        String user = fairShare.choose(claims).orElseThrow();
        JobState job = next.get(user);
        BundlePlanner.Caps caps = withWork.size() > 1
                ? new BundlePlanner.Caps(config.bundleWork().toMillis(), Math.max(1, config.fleetThreads() / withWork.size()))
                : new BundlePlanner.Caps(FAIR_MAX_BUNDLE_MILLIS, Long.MAX_VALUE);
        int bundles = (int) Math.max(1, Math.min(MessageQueue.MAX_BATCH, (window - totalWork) / Math.max(1, caps.maxBundleMillis())));
        double[] l = loads.get(user);
        long tasks = Math.min(config.quotas().maxRunningTasks() - (l == null ? 0 : (long) l[0]), config.maxOutstanding() - totalTasks);
        try {
            if (fairStep(job, bundles, tasks, caps)) {
                waiting.remove(job);
            }
            fairShare.served(user);
        } catch (RuntimeException | WorkloadException e) {
            log.error("dispatching job {} failed; it goes on later", job.jobId, e);
            heldBack.put(job, now + FAIR_HOLD_BACK_MILLIS);
        }
    }

    /** Sends one batch of the job (after any lost work); true when the job has nothing more to send. */
    private boolean fairStep(JobState job, int maxBundles, long maxTasks, BundlePlanner.Caps caps) throws WorkloadException {
        if (!saved.contains(job) && lostWork.remove(job)) {
            resendLost(job);
        }
        List<BundlePlanner.Planned> batch = unsent.get(job);
        if (batch == null) {
            BundlePlanner planner = planner(job);
            if (!planner.hasNext()) {
                forget(job);
                return true;
            }
            batch = planner.plan(maxBundles, maxTasks, List.of(), caps);
            unsent.put(job, batch);
        }
        if (!saved.contains(job)) {
            List<Integer> sizes = batch.stream().map(BundlePlanner.Planned::size).toList();
            persistence.save(job.recordSending(sizes)); // before the send: a restart re-sends these, under these ids
            job.sending(sizes);
            saved.add(job);
        }
        if (!send(job, batch)) {
            return false;
        }
        unsent.remove(job);
        saved.remove(job);
        if (!planner(job).hasNext()) {
            forget(job);
            return true;
        }
        return false;
    }

    /** Within one user: the job of higher priority first, then the one submitted first. */
    private static boolean ahead(JobState a, JobState b) {
        if (a.priority != b.priority) {
            return a.priority > b.priority;
        }
        if (a.submittedAt != b.submittedAt) {
            return a.submittedAt < b.submittedAt;
        }
        return a.jobId.compareTo(b.jobId) < 0;
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

    /** Sends the batch; false if it must be tried again later. Bundles the queue refuses are reported FAILED. */
    private boolean send(JobState job, List<BundlePlanner.Planned> batch) {
        try {
            charge(job, batch.stream().map(BundlePlanner.Planned::body).toList());
            failures.remove(job);
            return true;
        } catch (RuntimeException e) {
            if (!RetryPolicy.retryable(e)) {
                sendEachOrFail(job, batch);
                failures.remove(job);
                return true;
            }
            int n = failures.merge(job, 1, Integer::sum);
            log.warn("sending job {} bundles failed (attempt {}): {}", job.jobId, n, e.toString());
            pause(retry.delayFor(n, e).toMillis());
            return n % ATTEMPTS_BEFORE_YIELD != 0 && send(job, batch);
        }
    }

    /** One bundle at a time, so that only what the queue refuses fails, with the queue's reason. */
    private void sendEachOrFail(JobState job, List<BundlePlanner.Planned> batch) {
        for (BundlePlanner.Planned bundle : batch) {
            try {
                charge(job, List.of(bundle.body()));
            } catch (RuntimeException e) {
                if (RetryPolicy.retryable(e)) {
                    throw e;
                }
                String why = "the request queue refused this task's bundle: "
                        + (e instanceof InfrastructureException ie ? ie.errorCode() : e.getClass().getSimpleName());
                log.warn("job {}: {} tasks from {} failed: {}", job.jobId, bundle.size(), bundle.firstSeq(), e.toString());
                long now = clock.millis();
                decided.accept(job, new ArrayList<>(bundle.tasks().stream()
                        .map(t -> TaskResult.decided(job.jobId, t, TaskStatus.FAILED, why, now)).toList()));
            }
        }
    }

    /**
     * Sends the bundles {@link #isolate} queued, in order; one that fails to go waits for the next
     * round. A bundle of a job that has ended (every task final) is dropped: nothing in it is left to run.
     */
    private void sendIsolated() {
        for (Bundle b = isolated.peek(); b != null && running; b = isolated.peek()) {
            String jobId = b.jobId();
            JobState job = activeJobs.get().stream().filter(j -> j.jobId.equals(jobId)).findFirst().orElse(null);
            if (job != null && !job.done()) {
                BundlePlanner.Planned single = new BundlePlanner.Planned(b.tasks().get(0).seq(), b.tasks().size(),
                        Json.write(b), b.tasks());
                if (!send(job, List.of(single))) {
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
                (seq, spec) -> tasks.add(spec.toTask(seq, job.files)));
        List<BundlePlanner.Planned> bundles = BundlePlanner.replan(job, config, clock, sealer, bundleByteLimit, tasks,
                Long.toString(clock.millis(), 36));
        log.warn("job {}: {} dispatched tasks have neither a result nor a live claim; sending them again", job.jobId, tasks.size());
        for (int i = 0; i < bundles.size(); i += MessageQueue.MAX_BATCH) {
            List<BundlePlanner.Planned> batch = bundles.subList(i, Math.min(bundles.size(), i + MessageQueue.MAX_BATCH));
            while (running && !send(job, batch)) {
                pause(100);
            }
        }
    }

    private BundlePlanner planner(JobState job) throws WorkloadException {
        BundlePlanner planner = planners.get(job);
        if (planner == null) {
            long from = job.dispatched();
            planner = new BundlePlanner(job, config, clock, sealer, bundleByteLimit, from);
            planners.put(job, planner);
        }
        return planner;
    }

    private void forget(JobState job) {
        BundlePlanner planner = planners.remove(job);
        if (planner != null) {
            planner.close();
        }
        unsent.remove(job);
        saved.remove(job);
        failures.remove(job);
    }

    /** Re-sends what a restarted scheduler may have been sending when it stopped: the same bundles, the same ids. */
    public void resumeSending(JobState job, List<Integer> sizes, long from) throws WorkloadException {
        if (sizes.isEmpty()) {
            return;
        }
        try (BundlePlanner planner = new BundlePlanner(job, config, clock, sealer, bundleByteLimit, from)) {
            unsent.put(job, planner.plan(sizes.size(), Long.MAX_VALUE, sizes));
            saved.add(job);
        }
    }

    private void charge(JobState job, List<String> bodies) {
        backend.meter().charge(job::charge, () -> {
            backend.requests().send(bodies);
            return null;
        });
    }

    private long userOutstanding(JobState job) {
        return activeJobs.get().stream().filter(j -> j.owner.equals(job.owner)).mapToLong(JobState::outstanding).sum();
    }

    /** Room under the outstanding limit of all jobs, and under the job's user's running-task quota. */
    private boolean hasRoom(JobState job, long tasks) {
        long outstanding = 0;
        long users = 0;
        for (JobState j : activeJobs.get()) {
            long o = j.outstanding();
            outstanding += o;
            if (j.owner.equals(job.owner)) {
                users += o;
            }
        }
        boolean overall = outstanding == 0 || outstanding + tasks <= config.maxOutstanding();
        boolean user = users == 0 || users + tasks <= config.quotas().maxRunningTasks();
        return overall && user;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
