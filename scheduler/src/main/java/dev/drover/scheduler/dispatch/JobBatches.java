package dev.drover.scheduler.dispatch;

import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import dev.drover.scheduler.model.SchedulerConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Per job, what the {@link Dispatcher} sends next: the planner at the job's cursor, the batch planned
 * and not sent yet, whether that batch's cursor is saved (then a restart re-sends it under the same
 * ids), and where a batch from a held range starts. Every planner cuts bundles of at most
 * {@code bundleByteLimit} bytes. On the dispatcher's thread only.
 */
final class JobBatches {
    private final SchedulerConfig config;
    private final Clock clock;
    private final Sealer sealer;
    private final int bundleByteLimit;
    private final HeldDispatch held;
    private final Map<JobState, BundlePlanner> planners = new HashMap<>();
    private final Map<JobState, List<BundlePlanner.Planned>> unsent = new HashMap<>();
    private final Set<JobState> saved = new HashSet<>();
    /** Where an unsent batch from a held range starts (none: it is at the job's cursor). */
    private final Map<JobState, Long> heldFrom = new HashMap<>();

    JobBatches(SchedulerConfig config, Clock clock, Sealer sealer, int bundleByteLimit, Persistence persistence,
               BiConsumer<JobState, List<TaskResult>> decided) {
        this.config = config;
        this.clock = clock;
        this.sealer = sealer;
        this.bundleByteLimit = bundleByteLimit;
        this.held = new HeldDispatch((job, from, to) -> new BundlePlanner(job, config, clock, sealer, bundleByteLimit, from, to),
                clock, persistence, decided);
    }

    /** The job's batch planned and not sent yet; null: none. */
    List<BundlePlanner.Planned> unsent(JobState job) {
        return unsent.get(job);
    }

    void planned(JobState job, List<BundlePlanner.Planned> batch) {
        unsent.put(job, batch);
    }

    /** True if the job's unsent batch has its cursor saved. */
    boolean saved(JobState job) {
        return saved.contains(job);
    }

    /** The job's unsent batch has its cursor saved now: a restart re-sends it, under these ids. */
    void markSaved(JobState job) {
        saved.add(job);
    }

    /** Where the job's unsent batch starts if it is from a held range; null: at the job's cursor. */
    Long heldFrom(JobState job) {
        return heldFrom.get(job);
    }

    /** The job's unsent batch has gone out. */
    void sent(JobState job) {
        unsent.remove(job);
        saved.remove(job);
        heldFrom.remove(job);
    }

    /** The job's next batch from a held range that may go now, if any, noted as starting there. */
    Optional<List<BundlePlanner.Planned>> nextHeld(JobState job, DispatchOrder.Turn turn) throws WorkloadException {
        Optional<HeldDispatch.Batch> released = held.next(job, turn);
        if (released.isEmpty()) {
            return Optional.empty();
        }
        heldFrom.put(job, released.get().from());
        return Optional.of(released.get().bundles());
    }

    /** The planner at the job's cursor, made on first use. */
    BundlePlanner planner(JobState job) throws WorkloadException {
        BundlePlanner planner = planners.get(job);
        if (planner == null) {
            planner = new BundlePlanner(job, config, clock, sealer, bundleByteLimit, job.dispatched());
            planners.put(job, planner);
        }
        return planner;
    }

    /** Bundles of these tasks under fresh ids, for sending again. */
    List<BundlePlanner.Planned> replan(JobState job, List<Task> tasks) {
        return BundlePlanner.replan(job, config, clock, sealer, bundleByteLimit, tasks, Long.toString(clock.millis(), 36));
    }

    /** The bundles of these sizes from {@code from}, as a saved unsent batch: the same bundles, the same ids. */
    void resume(JobState job, List<Integer> sizes, long from) throws WorkloadException {
        try (BundlePlanner planner = new BundlePlanner(job, config, clock, sealer, bundleByteLimit, from)) {
            unsent.put(job, planner.plan(sizes.size(), Long.MAX_VALUE, sizes));
            saved.add(job);
        }
    }

    void forget(JobState job) {
        BundlePlanner planner = planners.remove(job);
        if (planner != null) {
            planner.close();
        }
        sent(job);
        held.forget(job);
    }

    void close() {
        planners.values().forEach(BundlePlanner::close);
        held.close();
    }
}
