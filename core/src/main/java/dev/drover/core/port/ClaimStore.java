package dev.drover.core.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Leases on bundles, so that duplicate deliveries never run a bundle twice. One conditional
 * write per claim: it wins if there is no record, or the record's lease lapsed and it is not done.
 * The record also keeps which tasks of the bundle have reported results, so a successor of a
 * dead worker re-runs only the others.
 */
public interface ClaimStore {

    ClaimOutcome claim(String bundleId, String owner, Instant now, Duration lease);

    /**
     * Extends the lease and records the seqs whose results are published.
     * Returns false if the lease was lost (another owner holds the bundle now).
     */
    boolean renew(String bundleId, String owner, Instant now, Duration lease, Set<Long> reported);

    /**
     * Marks the bundle done: every later delivery of it is a duplicate. A bundle with no record
     * (never claimed here, or its record expired) gets a done record too, so the promise holds
     * whatever happened to the claim. A bundle another owner holds is left alone and false returned:
     * a worker that lost its lease without noticing never settles its successor's bundle.
     */
    boolean complete(String bundleId, String owner, Instant now);

    /** Gives the bundle up at once (lease expires now), keeping what was reported. */
    void release(String bundleId, String owner, Instant now, Set<Long> reported);

    /** Records that the job is cancelled, so workers skip or kill its tasks. */
    void cancelJob(String jobId, Instant now);

    boolean isCancelled(String jobId);

    sealed interface ClaimOutcome {
        /** This worker holds the lease; {@code claimCount} is 1 on the first claim, 2 after one lapse... */
        record Claimed(int claimCount, Set<Long> reported) implements ClaimOutcome {}

        /** The bundle already ran to the end: a duplicate delivery, to delete and skip. */
        record Done() implements ClaimOutcome {}

        /** Another worker holds a live lease: leave the message alone. */
        record Busy(Instant leaseExpiresAt) implements ClaimOutcome {}
    }
}
