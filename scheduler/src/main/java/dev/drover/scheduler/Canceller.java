package dev.drover.scheduler;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.depend.JobWaits;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.ResultRecorder;
import dev.drover.scheduler.model.Backend;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a job: marks it, tells the workers through the claim store (they kill what they run),
 * records CANCELLED for every task without a final result, and lets the jobs that wait on it know.
 */
final class Canceller {
    private static final Logger log = LoggerFactory.getLogger(Canceller.class);
    /** Cancelled results are recorded in batches of this many, so a huge job's cancel holds no huge list. */
    private static final int BATCH = 1000;

    private final Backend backend;
    private final Clock clock;
    private final ResultRecorder results;
    private final JobWaits jobWaits;
    private final JobTable jobs;

    Canceller(Backend backend, Clock clock, ResultRecorder results, JobWaits jobWaits, JobTable jobs) {
        this.backend = backend;
        this.clock = clock;
        this.results = results;
        this.jobWaits = jobWaits;
        this.jobs = jobs;
    }

    /** Cancels {@code job} for {@code reason} unless it has ended. */
    void cancel(JobState job, String reason) throws WorkloadException {
        if (job.done()) {
            return;
        }
        String jobId = job.jobId();
        job.markCancelled(reason);
        backend.meter().charge(job.cost()::charge, () -> {
            backend.claims().cancelJob(jobId, clock.instant());
            return null;
        });
        List<TaskResult> cancelled = new ArrayList<>();
        long now = clock.millis();
        // the tasks without a final result, read by number: the ones with one are skipped, not read
        job.tasks().forEach(LongStream.range(0, job.total()).filter(seq -> !job.status(seq).isFinal()).iterator(), (seq, spec) -> {
            cancelled.add(TaskResult.decided(jobId, spec.toTask(seq), TaskStatus.CANCELLED, reason, now));
            if (cancelled.size() == BATCH) {
                results.record(job, "cancel-" + seq, cancelled);
            }
        });
        results.record(job, "cancel-end", cancelled);
        results.ended(job);
        log.info("job {} cancelled ({})", jobId, reason);
        jobWaits.ended(job, jobs.live());
    }
}
