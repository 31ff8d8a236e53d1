package dev.drover.scheduler.collect;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.scheduler.dispatch.Sealer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * The unreported tasks of a dead-lettered bundle go back one at a time, per job, each alone in its
 * bundle: the next is sent only when the one before it has a result, whichever dead bundle each came
 * from (two bundles dead-lettered together are often the poison's and one that died beside it on
 * every delivery). So the task that kills its worker dies again alone, and its neighbours never
 * share a worker with it (sent together, they would land on the same workers and die with it). In
 * memory: after a scheduler restart, the lost-work watch sends whatever was still waiting.
 *
 * <p>Isolation decides what goes and when; the dispatcher sends it ({@code outbox}), as the one
 * sender on the request queue, metered to the job like any bundle.
 */
public final class Isolation {
    /** A single's id is its dead bundle's, this, and its task's seq. */
    private static final String SINGLE = "/";

    private final Consumer<Bundle> outbox;
    private final Map<String, Deque<Bundle>> waiting = new HashMap<>(); // by job; guarded by this
    private final Map<String, Long> trying = new HashMap<>();          // job → seq of the single out now

    private final Sealer sealer;

    public Isolation(Consumer<Bundle> outbox, Sealer sealer) {
        this.outbox = outbox;
        this.sealer = sealer;
    }

    /**
     * Whether {@code b} is a single this made, sent while no other single of its job was out: only such
     * a bundle's dead-lettering proves its task kills its workers. Any other bundle (even of one task)
     * may have died beside the killer each time, as bundles freed by a dead worker reappear together.
     */
    public static boolean triedAlone(Bundle b) {
        return b.tasks().size() == 1 && b.bundleId().endsWith(SINGLE + b.tasks().get(0).seq());
    }

    /** Queues these tasks of the dead bundle {@code b} to be tried alone, one after another. */
    public void split(Bundle b, List<Task> tasks) {
        Deque<Bundle> singles = new ArrayDeque<>();
        tasks.forEach(t -> singles.add(new Bundle(b.bundleId() + SINGLE + t.seq(), b.jobId(), b.dispatchedAt(), List.of(t),
                sealer.seal(b.jobId(), List.of(t)))));
        synchronized (this) {
            waiting.computeIfAbsent(b.jobId(), j -> new ArrayDeque<>()).addAll(singles);
        }
        // a single still out may be the killer: a worker would receive the next one with it and both would die
        sendNext(b.jobId(), seq -> false);
    }

    /** Results arrived for the job: if the single out now is final, the next one goes. */
    public void reported(String jobId, LongPredicate isFinal) {
        sendNext(jobId, isFinal);
    }

    private void sendNext(String jobId, LongPredicate isFinal) {
        Bundle next;
        synchronized (this) {
            Long out = trying.get(jobId);
            if (out != null && !isFinal.test(out)) {
                return;
            }
            Deque<Bundle> queue = waiting.get(jobId);
            next = queue == null ? null : queue.poll();
            if (queue != null && queue.isEmpty()) {
                waiting.remove(jobId);
            }
            if (next == null) { // the last single has ended: the next dead bundle's first goes at once
                trying.remove(jobId);
                return;
            }
            trying.put(jobId, next.tasks().get(0).seq());
        }
        outbox.accept(next);
    }
}
