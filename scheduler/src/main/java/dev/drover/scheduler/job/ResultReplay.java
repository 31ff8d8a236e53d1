package dev.drover.scheduler.job;

import dev.drover.core.model.TaskStatus;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The results of an ended job recovered from its record alone, replayed into its state the first
 * time something needs them (a task, the result log, the failures; a view too if the record had
 * no counts per status). So a restart with many old jobs reads none of their results. Not
 * thread-safe: its {@link JobState} holds the lock.
 */
final class ResultReplay {
    /** Replays the results through {@link JobState#accept}; null once they are in (or for a job never ended). */
    private Consumer<JobState> loader;
    /** True if the loader must run even for a view: the record had no counts per status. */
    private boolean countsUnknown;

    /** Replays the job's results with {@code loader} when first needed; its counts so far are the record's. */
    void arm(Consumer<JobState> loader, boolean countsUnknown) {
        this.loader = loader;
        this.countsUnknown = countsUnknown;
    }

    /** True while the results are not replayed yet. */
    boolean pending() {
        return loader != null;
    }

    boolean countsUnknown() {
        return countsUnknown;
    }

    /**
     * Replays the results into {@code job} unless they are in: the counts and end time from the record
     * give way to the replayed ones. A failure puts back what was there, so the replay is tried again.
     */
    void run(JobState job, TaskProgress progress, ResultLog log, JobLife life) {
        Consumer<JobState> l = loader;
        if (l == null) {
            return;
        }
        loader = null;
        long ended = life.finishedAt();
        Map<TaskStatus, Long> summary = progress.finalCounts();
        boolean unknown = countsUnknown;
        progress.reset();
        life.finishedAt(0);
        try {
            l.accept(job);
        } catch (RuntimeException e) {
            progress.reset();
            log.clear();
            progress.summarize(summary);
            countsUnknown = unknown;
            loader = l;
            throw e;
        } finally {
            life.finishedAt(ended);
        }
        countsUnknown = false;
    }
}
