package dev.drover.scheduler.dispatch;

import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.job.JobState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * {@link Policy#FAIR}: each turn {@link FairShare} picks the user holding the least of the fleet
 * for their weight, and that user's job of highest priority (then the oldest) sends one batch. The
 * work on the queue or running is kept to a window of about two bundles a fleet thread, so a
 * newcomer's bundles are not queued behind everything sent before; and while several users have
 * work to send, bundles shrink to {@code bundleWork}, so that no bundle holds a thread for long.
 */
final class FairOrder implements DispatchOrder {
    /** The largest bundle of a user alone (what a newcomer may have to wait for), ms of expected work. */
    static final double MAX_BUNDLE_MILLIS = 2_000;
    /** Expected work on the queue or running, per fleet thread: a thread finds its next bundle waiting. */
    static final double WINDOW_MILLIS_PER_THREAD = 2 * MAX_BUNDLE_MILLIS;
    /** A job whose dispatch threw waits this long for its next turn; the others go on. */
    private static final long HOLD_BACK_MILLIS = 1000;

    private final SchedulerConfig config;
    private final Clock clock;
    private final Supplier<Collection<JobState>> activeJobs;
    private final ToIntFunction<String> weight;
    private final Predicate<JobState> hasSavedBatch;
    private final Consumer<JobState> forget;
    /** The other replicas: their users' work counts in fair share, and this replica holds only its part of a running quota. */
    private final Supplier<AcrossReplicas> across;
    private final BlockingQueue<JobState> arrivals = new LinkedBlockingQueue<>();
    private final FairShare fairShare = new FairShare();
    private final Set<JobState> waiting = new LinkedHashSet<>(); // jobs with work to send
    private final Map<JobState, Long> heldBack = new HashMap<>(); // a failing job's next turn

    /**
     * @param hasSavedBatch whether the job has a batch whose cursor is saved: it goes out whatever the room
     * @param forget        drops what the dispatcher holds for a job that ended or was cancelled
     */
    FairOrder(SchedulerConfig config, Clock clock, Supplier<Collection<JobState>> activeJobs, ToIntFunction<String> weight,
              Predicate<JobState> hasSavedBatch, Consumer<JobState> forget, Supplier<AcrossReplicas> across) {
        this.config = config;
        this.clock = clock;
        this.activeJobs = activeJobs;
        this.weight = weight;
        this.hasSavedBatch = hasSavedBatch;
        this.forget = forget;
        this.across = across;
    }

    @Override
    public void add(JobState job) {
        arrivals.add(job);
    }

    @Override
    public Optional<Turn> next() throws InterruptedException {
        if (waiting.isEmpty()) {
            JobState first = arrivals.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return Optional.empty();
            }
            waiting.add(first);
        }
        for (JobState j = arrivals.poll(); j != null; j = arrivals.poll()) {
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
                double[] l = loads.computeIfAbsent(j.owner(), k -> new double[2]);
                l[0] += o;
                l[1] += work;
                totalTasks += o;
                totalWork += work;
            }
        }
        double window = WINDOW_MILLIS_PER_THREAD * config.fleetThreads();
        boolean room = totalTasks == 0 || (totalTasks < config.maxOutstanding()
                && (totalWork < window || totalTasks < 2L * config.fleetThreads()));
        Map<String, JobState> next = new HashMap<>(); // per user with work to send now: the job that goes first
        Set<String> withWork = new HashSet<>();
        for (Iterator<JobState> it = waiting.iterator(); it.hasNext(); ) {
            JobState j = it.next();
            if (j.cancelled() || j.done()) {
                forget.accept(j);
                heldBack.remove(j);
                it.remove();
                continue;
            }
            withWork.add(j.owner());
            double[] l = loads.get(j.owner());
            boolean underQuota = (l == null ? 0 : l[0]) < runningCap(j.owner());
            // a batch whose cursor is saved goes out whatever the room: a restart would re-send it anyway
            if (heldBack.getOrDefault(j, 0L) <= now && (hasSavedBatch.test(j) || (room && underQuota))) {
                next.merge(j.owner(), j, (a, b) -> ahead(a, b) ? a : b);
            }
        }
        fairShare.retain(withWork);
        if (next.isEmpty()) {
            BundleSender.pause(5);
            return Optional.empty();
        }
        List<FairShare.Claim> claims = new ArrayList<>(next.size());
        for (String user : next.keySet()) {
            double[] l = loads.get(user);
            claims.add(new FairShare.Claim(user, weight.applyAsInt(user), (l == null ? 0 : l[1]) + across.get().elsewhere(user).workMillis()));
        }
        String user = fairShare.choose(claims).orElseThrow();
        BundlePlanner.Caps caps = withWork.size() > 1
                ? new BundlePlanner.Caps(config.bundleWork().toMillis(), Math.max(1, config.fleetThreads() / withWork.size()))
                : new BundlePlanner.Caps(MAX_BUNDLE_MILLIS, Long.MAX_VALUE);
        int bundles = (int) Math.max(1, Math.min(MessageQueue.MAX_BATCH, (window - totalWork) / Math.max(1, caps.maxBundleMillis())));
        double[] l = loads.get(user);
        long tasks = Math.min(runningCap(user) - (l == null ? 0 : (long) l[0]), config.maxOutstanding() - totalTasks);
        return Optional.of(new Turn(next.get(user), bundles, tasks, caps, n -> true)); // the room was weighed above
    }

    /** The user's tasks this replica may hold on the queue or running: the quota, or with replicas its part of it. */
    private long runningCap(String user) {
        return across.get().runningCap(user, config.quotas().maxRunningTasks());
    }

    @Override
    public void sent(Turn turn, boolean finished) {
        if (finished) {
            waiting.remove(turn.job());
        }
        fairShare.served(turn.job().owner());
    }

    @Override
    public void failed(Turn turn) {
        heldBack.put(turn.job(), clock.millis() + HOLD_BACK_MILLIS);
    }

    /** Within one user: the job of higher priority first, then the one submitted first. */
    private static boolean ahead(JobState a, JobState b) {
        if (a.priority() != b.priority()) {
            return a.priority() > b.priority();
        }
        if (a.submittedAt() != b.submittedAt()) {
            return a.submittedAt() < b.submittedAt();
        }
        return a.jobId().compareTo(b.jobId()) < 0;
    }
}
