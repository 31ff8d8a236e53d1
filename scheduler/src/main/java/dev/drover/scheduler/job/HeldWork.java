package dev.drover.scheduler.job;

import dev.drover.core.port.JobRecord;
import java.util.List;
import java.util.Map;

/**
 * The tasks below a job's dispatch cursor that a waiting stage holds back: the cursor passes such a
 * stage so that the lines below it flow, and the held range is sent from its start once the stage may
 * go. A part of {@link JobState}, guarded by the job's lock; a job that never waits holds nothing.
 */
public final class HeldWork {
    private final JobState job;
    private final DispatchCursor cursor;

    HeldWork(JobState job, DispatchCursor cursor) {
        this.job = job;
        this.cursor = cursor;
    }

    /**
     * Passes, at the cursor, the rest of the stage holding task {@code seq}, which waits: it is held, to
     * be sent from its start once it may go, while the lines below it flow. Returns the stage's end.
     */
    public long hold(long seq) {
        long end = job.dependencies().stageOf(seq).endSeq();
        synchronized (job) {
            cursor.hold(seq, end);
        }
        return end;
    }

    /** The first held range starting at or after {@code from}, as first task to end; or null. */
    public Map.Entry<Long, Long> next(long from) {
        synchronized (job) {
            return cursor.nextHeld(from);
        }
    }

    /** Splits the held range holding task {@code at} to start one there; false at {@code maxRanges} ranges (see DispatchCursor). */
    public boolean split(long at, int maxRanges) {
        synchronized (job) {
            return cursor.splitHeld(at, maxRanges);
        }
    }

    /** True if some tasks below the cursor are held (not sent yet). */
    public boolean any() {
        synchronized (job) {
            return cursor.heldTasks() > 0;
        }
    }

    /** Restores the held ranges a saved record lists ({@link JobRecord#held}). */
    public void restore(List<Long> saved) {
        synchronized (job) {
            cursor.restore(saved);
        }
    }

    /** The record to save before sending bundles of these sizes from the held range starting at {@code from}. */
    public JobRecord recordSending(long from, List<Integer> sizes) {
        return job.recordSendingHeld(from, sizes);
    }

    /** Moves the held range at {@code from} past bundles of these sizes, about to be sent (once their record is saved). */
    public void sending(long from, List<Integer> sizes) {
        synchronized (job) {
            cursor.sendingHeld(from, sizes);
        }
    }

    /** Moves the held range at {@code from} past {@code n} tasks that are not sent (a failed dependency cancelled them). */
    public void skip(long from, long n) {
        synchronized (job) {
            cursor.skipHeld(from, n);
        }
    }
}
