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
 * (a binary search) a turn, no reading. Dispatcher thread only.
 */
final class HeldDispatch {
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
        for (Map.Entry<Long, Long> range = job.nextHeld(0); range != null; range = job.nextHeld(range.getKey() + 1)) {
            long from = range.getKey();
            if (gate(job, from) == Dependencies.Gate.WAITING) {
                continue;
            }
            BundlePlanner planner = planner(job, from, range.getValue());
            for (List<TaskResult> cancelled = planner.takeBlocked(1000, clock.millis()); !cancelled.isEmpty();
                    cancelled = planner.takeBlocked(1000, clock.millis())) {
                job.skipHeld(from, cancelled.size());
                from += cancelled.size();
                decided.accept(job, new ArrayList<>(cancelled)); // recorded before the range moved past them is saved
                persistence.save(job.record());
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

    private static Dependencies.Gate gate(JobState job, long seq) {
        Stage stage = job.stageOf(seq);
        return job.gate(seq, stage == null ? 0 : (int) ((seq - stage.firstSeq()) % stage.replicas()));
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
