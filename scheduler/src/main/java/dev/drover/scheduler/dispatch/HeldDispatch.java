package dev.drover.scheduler.dispatch;

import dev.drover.core.model.TaskResult;
import dev.drover.core.workload.Stage;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.job.Dependencies;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Sends what a job holds: the rest of a stage its dispatch cursor passed because it waited
 * ({@code job/DispatchCursor}), from the range's start, once the stage may go; and cancels, with
 * reason {@code dependency}, what a failed dependency blocks there. A waiting range costs one gate
 * (a binary search) a turn, no reading; in a replica-wise stage ({@code @after-replica}), whose
 * tasks each wait on their own, up to {@link #SCAN} gates look past a waiting task for one that may
 * go, and the range is split there (at most {@link #MAX_RANGES} ranges a job). Dispatcher thread only.
 */
final class HeldDispatch {
    /** How far past a waiting task of a replica-wise stage a turn looks for one that may go. */
    static final int SCAN = 1024;
    /** Held ranges a job may be split into: each costs its record some bytes at every save. */
    static final int MAX_RANGES = 256;

    /** Opens a planner of tasks {@code from} … {@code to - 1}. */
    @FunctionalInterface
    interface Planners {
        BundlePlanner open(JobState job, long from, long to) throws WorkloadException;
    }

    /** A batch planned from the held range starting at {@code from}. */
    record Batch(List<BundlePlanner.Planned> bundles, long from) {}

    private final Planners planners;
    private final Clock clock;
    private final Persistence persistence;
    private final BiConsumer<JobState, List<TaskResult>> decided;
    /** Per job, the planner of the held range it last sent from. */
    private final Map<JobState, BundlePlanner> last = new HashMap<>();

    HeldDispatch(Planners planners, Clock clock, Persistence persistence, BiConsumer<JobState, List<TaskResult>> decided) {
        this.planners = planners;
        this.clock = clock;
        this.persistence = persistence;
        this.decided = decided;
    }

    /** A batch from the first held range whose next task may go, after cancelling what a failed dependency blocks; or none. */
    Optional<Batch> next(JobState job, DispatchOrder.Turn turn) throws WorkloadException {
        for (Map.Entry<Long, Long> range = job.held().next(0); range != null; range = job.held().next(range.getKey() + 1)) {
            long from = range.getKey();
            if (gate(job, from) == Dependencies.Gate.WAITING) {
                from = goesWithin(job, from, range.getValue());
                if (from < 0 || !job.held().split(from, MAX_RANGES)) {
                    continue;
                }
            }
            BundlePlanner planner = planner(job, from, range.getValue());
            for (List<TaskResult> cancelled = planner.takeBlocked(1000, clock.millis()); !cancelled.isEmpty();
                    cancelled = planner.takeBlocked(1000, clock.millis())) {
                job.held().skip(from, cancelled.size());
                from += cancelled.size();
                decided.accept(job, new ArrayList<>(cancelled)); // recorded before the range moved past them is saved
                persistence.saveCursor(job);
            }
            List<BundlePlanner.Planned> batch = planner.hasNext()
                    ? planner.plan(turn.maxBundles(), turn.maxTasks(), List.of(), turn.caps()) : List.of();
            if (!batch.isEmpty()) {
                return Optional.of(new Batch(batch, from));
            }
        }
        return Optional.empty();
    }

    /**
     * A planner of the held range {@code from}-{@code to}: the job's last one if it stands at
     * {@code from} (a range sent in several batches, or a chain's next link), else a new one.
     */
    private BundlePlanner planner(JobState job, long from, long to) throws WorkloadException {
        BundlePlanner p = last.get(job);
        if (p != null && p.seq() == from) {
            p.until(to);
            return p;
        }
        if (p != null) {
            p.close();
        }
        p = planners.open(job, from, to);
        last.put(job, p);
        return p;
    }

    /** In a replica-wise stage, the first task after {@code from} (within {@link #SCAN}) that need not wait; or -1. */
    private static long goesWithin(JobState job, long from, long to) {
        Stage stage = job.dependencies().stageOf(from);
        if (stage == null || stage.afterReplica() < 0) {
            return -1; // its tasks wait on the same lines: all go together
        }
        for (long seq = from + 1; seq < Math.min(to, from + SCAN); seq++) {
            if (gate(job, seq) != Dependencies.Gate.WAITING) {
                return seq;
            }
        }
        return -1;
    }

    private static Dependencies.Gate gate(JobState job, long seq) {
        Stage stage = job.dependencies().stageOf(seq);
        return job.dependencies().gate(seq, stage == null ? 0 : (int) ((seq - stage.firstSeq()) % stage.replicas()));
    }

    void forget(JobState job) {
        BundlePlanner p = last.remove(job);
        if (p != null) {
            p.close();
        }
    }

    void close() {
        last.values().forEach(BundlePlanner::close);
        last.clear();
    }
}
