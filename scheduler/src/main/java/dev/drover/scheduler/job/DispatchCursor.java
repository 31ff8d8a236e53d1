package dev.drover.scheduler.job;

import java.util.List;

/**
 * How far a job's tasks have been dispatched: every task below the cursor has been sent, and the
 * sizes of the last batch, saved before it went, so a restart re-sends those very bundles.
 */
final class DispatchCursor {
    /** Read without the job's lock (the dispatcher, the lost-work watch); written under it. */
    private volatile long dispatched;
    private List<Integer> sending = List.of();

    long dispatched() {
        return dispatched;
    }

    void dispatched(long n) {
        dispatched = n;
    }

    List<Integer> sending() {
        return sending;
    }

    /** The cursor past bundles of these sizes. */
    long after(List<Integer> sizes) {
        return dispatched + sizes.stream().mapToLong(Integer::longValue).sum();
    }

    /** Moves past tasks that are not sent (a failed dependency cancelled them): nothing is being sent. */
    void skip(long n) {
        dispatched += n;
        sending = List.of();
    }

    /** Moves past bundles of these sizes, about to be sent. */
    void sending(List<Integer> sizes) {
        long next = after(sizes);
        sending = List.copyOf(sizes);
        dispatched = next;
    }
}
