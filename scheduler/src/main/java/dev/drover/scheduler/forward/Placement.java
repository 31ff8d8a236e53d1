package dev.drover.scheduler.forward;

import dev.drover.core.port.ReplicaStore;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import java.io.ByteArrayInputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where a new job goes: the replica a submit reaches keeps it unless its load is clearly higher than the
 * least-loaded live replica's, in which case that replica takes it (the submit is forwarded there). A
 * replica's load is its tasks not yet final: this replica's now, another's as of its last beat plus what
 * was placed on it since (until two newer beats of its have been read, the first of which may have been
 * written before it took the job). Clearly higher: at least {@value #MIN_GAP} tasks more, and more than
 * twice as many. So a job goes where it will wait behind the least work, near-even loads never send jobs
 * back and forth, and a job is forwarded once at most (a forwarded submit is never placed again).
 * A job of fewer than {@value #SMALL_JOB} tasks stays: it adds little load, and placing it elsewhere would
 * cost a hop on every later request for it that reaches this replica.
 */
public final class Placement {
    /** Tasks: a job smaller than this stays on the replica the submit reached. */
    public static final long SMALL_JOB = 20;
    /** Tasks not yet final: a difference in load smaller than this is no reason to place a job elsewhere. */
    public static final long MIN_GAP = 100;
    /** Bytes of a submit's body read before it is placed: a body longer than this is no small job. */
    public static final int PEEK = 64 * 1024;

    /** The replica a job is placed on: its id, address, the beat count it was judged at, its load as counted, and this one's. */
    public record Target(String replica, String address, long count, long load, long here) {}

    /** What was placed on a replica since the beat counted here, until its {@code untilCount}th beat is read. */
    private record Placed(long tasks, long untilCount) {}

    private final Supplier<List<ReplicaStore.Beat>> others;
    private final LongSupplier own;
    private final Map<String, Placed> placed = new ConcurrentHashMap<>();

    /**
     * @param others the other live replicas' last beats
     * @param own    this replica's load now (its tasks not yet final)
     */
    public Placement(Supplier<List<ReplicaStore.Beat>> others, LongSupplier own) {
        this.others = others;
        this.own = own;
    }

    /** The replica a new job of (at least) {@code tasks} tasks should go to, if not this one. */
    public Optional<Target> elsewhere(long tasks) {
        if (tasks < SMALL_JOB) {
            return Optional.empty();
        }
        long here = own.getAsLong();
        return others.get().stream().map(b -> counted(b, here))
                .min(Comparator.comparingLong(Target::load).thenComparing(Target::replica))
                .filter(t -> clearlyHigher(here, t.load()));
    }

    /** A job of {@code tasks} tasks was placed on {@code target}: counted in its load until its beats carry it. */
    public void placed(Target target, long tasks) {
        placed.merge(target.replica(), new Placed(tasks, target.count() + 2),
                (a, b) -> new Placed(a.tasks() + b.tasks(), b.untilCount()));
    }

    /**
     * The tasks a body starts with, counted up to {@link #SMALL_JOB}: {@code head} is its first bytes, the whole
     * body if {@code whole} (else it is no small job). 0 for a body that does not read as a workload: it stays,
     * and is refused here.
     */
    public static long tasksIn(byte[] head, boolean whole) {
        if (!whole) {
            return SMALL_JOB;
        }
        try (WorkloadReader reader = new WorkloadReader(new ByteArrayInputStream(head), "workload")) {
            long n = 0;
            while (n < SMALL_JOB && reader.next() != null) {
                n++;
            }
            return n;
        } catch (WorkloadException e) {
            return 0;
        }
    }

    private Target counted(ReplicaStore.Beat beat, long here) {
        Placed p = placed.get(beat.replica());
        if (p != null && beat.count() >= p.untilCount()) {
            placed.remove(beat.replica(), p);
            p = null;
        }
        return new Target(beat.replica(), beat.address(), beat.count(), beat.backlog() + (p == null ? 0 : p.tasks()), here);
    }

    /** The rule: {@code here} is clearly higher than {@code least} (see the class comment). */
    static boolean clearlyHigher(long here, long least) {
        return here - least >= Math.max(MIN_GAP, here / 2 + 1);
    }
}
