package dev.drover.scheduler.job;

import dev.drover.core.model.JobStatus;

/**
 * Where a job is in its life: when it ended, whether it was cancelled and why, when it last heard
 * from its tasks, and whether its store items are marked to expire. Not thread-safe: its
 * {@link JobState} holds the lock.
 */
final class JobLife {
    /** When every task had a final status (epoch ms), or 0. */
    private long finishedAt;
    private boolean cancelled;
    private String cancelReason;
    private long lastResultAt;
    private boolean expiring;

    JobLife(long submittedAt) {
        this.lastResultAt = submittedAt;
    }

    /** The life of a job recovered after its end, from its record. */
    void ended(long finishedAt, String cancelReason) {
        this.finishedAt = finishedAt;
        this.lastResultAt = finishedAt;
        this.cancelled = cancelReason != null;
        this.cancelReason = cancelReason;
        this.expiring = true;
    }

    long finishedAt() {
        return finishedAt;
    }

    /** Sets (or, replaying an ended job's results, puts back) when it ended. */
    void finishedAt(long at) {
        finishedAt = at;
    }

    boolean done() {
        return finishedAt != 0;
    }

    /** Marks it cancelled for this reason; the first reason given stays. */
    void cancel(String reason) {
        cancelled = true;
        if (cancelReason == null) {
            cancelReason = reason;
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    String cancelReason() {
        return cancelReason;
    }

    long lastResultAt() {
        return lastResultAt;
    }

    void resultAt(long now) {
        lastResultAt = now;
    }

    /** True the first time it is asked once the job has ended. */
    boolean markExpiring() {
        if (expiring || finishedAt == 0) {
            return false;
        }
        expiring = true;
        return true;
    }

    JobStatus state(long dispatched) {
        return cancelled ? JobStatus.CANCELLED : finishedAt != 0 ? JobStatus.DONE
                : dispatched > 0 ? JobStatus.RUNNING : JobStatus.SUBMITTED;
    }
}
