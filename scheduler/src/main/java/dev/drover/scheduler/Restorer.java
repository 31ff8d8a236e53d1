package dev.drover.scheduler;

import dev.drover.core.port.Fence;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.depend.JobWaits;
import dev.drover.scheduler.dispatch.Dispatcher;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import dev.drover.scheduler.job.Recovery;
import dev.drover.scheduler.job.Retention;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings jobs back from the job store into the {@link JobTable}: an earlier run's at start-up, a
 * dead replica's when this replica adopts it, and an ended job of another replica when first asked
 * for; and drops a job another replica took. Every job brought back resumes sending where its last
 * owner stopped, under the same bundle ids.
 */
final class Restorer {
    private static final Logger log = LoggerFactory.getLogger(Restorer.class);

    private final Backend backend;
    private final SchedulerConfig config;
    private final Clock clock;
    private final Persistence persistence;
    private final JobTable jobs;
    private final Dispatcher dispatcher;
    private final JobWaits jobWaits;
    /** One replica of several: it recovers only ended jobs at start, and owns jobs by epoch. */
    private volatile boolean replica;

    Restorer(Backend backend, SchedulerConfig config, Clock clock, Persistence persistence, JobTable jobs,
             Dispatcher dispatcher, JobWaits jobWaits) {
        this.backend = backend;
        this.config = config;
        this.clock = clock;
        this.persistence = persistence;
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.jobWaits = jobWaits;
    }

    /** Owns the jobs submitted here as {@code replicaId}; see {@link Scheduler#asReplica}. */
    void asReplica(String replicaId) {
        persistence.ownAs(replicaId, this::lost);
        this.replica = true;
        jobWaits.readElsewhere(new JobWaits.Elsewhere(this::stored, this::readBack));
    }

    private Recovery recovery(JobStore store) {
        return new Recovery(store, backend.payloads(), config.dataDir(), clock, new Retention(config.retention()));
    }

    /** Recovers an earlier run's jobs (a replica: only the ended ones; the running ones are adopted). */
    void recover() throws IOException {
        if (backend.jobStore().isEmpty()) {
            return;
        }
        for (Recovery.Recovered r : recovery(backend.jobStore().get()).jobs(record -> !replica || record.ended())) {
            install(r);
        }
        List.copyOf(jobs.live()).forEach(jobWaits::settle); // every job is back: whom a job waits on has ended, or not
    }

    /** See {@link Scheduler#adopt}. Synchronized with {@link #lostTo}: a job taken back here is not then dropped. */
    synchronized void adopt(String jobId, Fence fence) throws IOException {
        JobStore store = backend.jobStore().orElseThrow();
        JobRecord record = store.get(jobId).orElseThrow(() -> new IOException("job " + jobId + " is gone"));
        persistence.fence(jobId, fence);
        Recovery recovery = recovery(store);
        try {
            install(recovery.job(record));
        } catch (Recovery.WorkloadMissing e) {
            persistence.unfence(jobId);
            recovery.missing(e);
            return;
        }
        JobState taken = jobs.get(jobId);
        if (taken != null) {
            jobWaits.settle(taken);
        }
        log.info("job {}: taken over at epoch {}", jobId, fence.epoch());
    }

    boolean replica() {
        return replica;
    }

    /** Drops the job if this replica holds it under an epoch older than {@code epoch}, its owner's now. */
    synchronized void lostTo(String jobId, long epoch) {
        if (persistence.fenceOf(jobId).map(f -> f.epoch() < epoch).orElse(true)) {
            lost(jobId);
        }
    }

    /** Another replica took the job: this one stops acting on it at once. */
    void lost(String jobId) {
        persistence.unfence(jobId);
        JobState job = jobs.remove(jobId);
        if (job != null) {
            dispatcher.release(job);
            log.warn("job {}: another replica owns it now; this one stopped acting on it", jobId);
        }
    }

    /**
     * The job if this scheduler has it; a replica also answers for a job another replica ran to its end,
     * read from the job store on first ask (one read; its results are read when asked for). A running job
     * of another replica is not known here: its owner answers for it.
     */
    JobState known(String jobId) {
        JobState job = jobs.get(jobId);
        if (job != null || !replica) {
            return job;
        }
        return stored(jobId).filter(JobRecord::ended).map(this::readBack).orElse(null);
    }

    /** The job's record in the job store (one read), whichever replica owns it; empty if there is none. */
    private Optional<JobRecord> stored(String jobId) {
        return backend.jobStore().flatMap(s -> s.get(jobId));
    }

    /** Another replica's ended job, from its record, into this one's table (unless there already). */
    private JobState readBack(JobRecord ended) {
        try {
            return jobs.putIfAbsent(recovery(backend.jobStore().get()).job(ended).job());
        } catch (IOException e) {
            throw new UncheckedIOException("job " + ended.jobId() + ": cannot read it back from the job store", e);
        }
    }

    private void install(Recovery.Recovered r) {
        JobState job = r.job();
        jobs.put(job);
        if (!job.done()) {
            jobWaits.recover(job); // before it is in line: a job waiting on others sends nothing yet
        }
        // on the dispatcher's thread, which alone holds what is being sent
        dispatcher.onItsThread(() -> {
            try {
                dispatcher.resumeSending(job, r.record().sending(), r.record().sendingFrom());
            } catch (WorkloadException e) {
                log.error("job {}: cannot re-send its last bundles: {}", job.jobId(), e.getMessage());
            }
            if (!job.done() && !job.cancelled() && (job.unsent() > 0 || !r.record().sending().isEmpty())) {
                dispatcher.enqueue(job);
            }
        });
    }
}
