package dev.drover.scheduler.dispatch;

import dev.drover.scheduler.job.JobState;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The order in which jobs take turns to send a batch: {@link FifoOrder} (one line, global
 * submission order) or {@link FairOrder} (fair share among users). The dispatcher asks for each
 * turn and sends its batch; an order only chooses. Dispatcher thread only, but {@link #add}.
 */
interface DispatchOrder {
    /**
     * One job's turn: how much of it may go in this batch, and, asked once its sizes are known,
     * whether the batch fits the room there is now (no: it waits, and goes in a later turn).
     */
    record Turn(JobState job, int maxBundles, long maxTasks, BundlePlanner.Caps caps, LongPredicate room) {}

    /** A job with work to send, new or again (lost work to re-send); safe from any thread. */
    void add(JobState job);

    /** The next turn, or empty if no job may send now (it waits up to about 100 ms for one). */
    Optional<Turn> next() throws InterruptedException;

    /** The turn's batch went, or waits for room; {@code finished}: the job has nothing more to send. */
    void sent(Turn turn, boolean finished);

    /** The turn threw: its job goes on later, after the others. */
    void failed(Turn turn);
}
