package dev.drover.scheduler;

import dev.drover.scheduler.job.JobState;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this scheduler holds, by id, and among them the ones not yet ended. Ended jobs stay in
 * {@link #byId} until their retention passes; the live set spares the dispatcher, the lost-work watch,
 * the fleet's demand and the quotas a scan of them all (a fair-share round repeats every few
 * milliseconds while a job waits for room).
 */
final class JobTable {
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final Set<JobState> live = ConcurrentHashMap.newKeySet();

    /** Every job by id, for the parts that record results, sweep and resolve waits. */
    Map<String, JobState> byId() {
        return jobs;
    }

    JobState get(String jobId) {
        return jobs.get(jobId);
    }

    /** Adds a job; one not yet ended is live too. */
    void put(JobState job) {
        jobs.put(job.jobId(), job);
        if (!job.done()) {
            live.add(job);
        }
    }

    /** Adds a job read back on first ask unless another thread did it first; returns the one kept. */
    JobState putIfAbsent(JobState job) {
        JobState raced = jobs.putIfAbsent(job.jobId(), job);
        return raced != null ? raced : job;
    }

    /** Forgets a job; returns it, or null if there was none. */
    JobState remove(String jobId) {
        JobState job = jobs.remove(jobId);
        if (job != null) {
            live.remove(job);
        }
        return job;
    }

    /** The jobs not yet ended, without those that have ended since they were added. */
    Collection<JobState> live() {
        live.removeIf(JobState::done);
        return live;
    }

    /** Every job, oldest submission first. */
    List<JobState> sorted() {
        return jobs.values().stream().sorted(Comparator.comparingLong(JobState::submittedAt).thenComparing(JobState::jobId))
                .toList();
    }

    Collection<JobState> all() {
        return jobs.values();
    }
}
