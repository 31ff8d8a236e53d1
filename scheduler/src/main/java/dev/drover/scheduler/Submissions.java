package dev.drover.scheduler;

import dev.drover.core.files.FilesPack;
import dev.drover.core.port.JobRecord;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.depend.JobWaits;
import dev.drover.scheduler.dispatch.Dispatcher;
import dev.drover.scheduler.files.JobFiles;
import dev.drover.scheduler.intake.Intake;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.Submitted;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submit path: checks what a job waits on and its files pack, spools and checks the workload
 * ({@link Intake}), holds the owner to the queued-task quota, claims the idempotency key, saves the
 * job and puts it in line for the dispatcher.
 */
final class Submissions {
    private static final Logger log = LoggerFactory.getLogger(Submissions.class);
    /** How long a submit that lost its key to a submit running at once waits to see the winner's job. */
    private static final Duration KEY_WINNER_WAIT = Duration.ofSeconds(5);

    private final Intake intake;
    private final JobFiles files;
    private final Backend backend;
    private final Quotas quotas;
    private final Persistence persistence;
    private final JobTable jobs;
    private final JobWaits jobWaits;
    private final Dispatcher dispatcher;
    private volatile AcrossReplicas across = AcrossReplicas.NONE;
    private final Clock clock;
    /** The job's status as the scheduler answers it (a replica reads an ended job back). */
    private final Function<String, Optional<JobView>> status;

    Submissions(Intake intake, JobFiles files, Backend backend, Quotas quotas, Persistence persistence, JobTable jobs,
                JobWaits jobWaits, Dispatcher dispatcher, Clock clock, Function<String, Optional<JobView>> status) {
        this.intake = intake;
        this.files = files;
        this.backend = backend;
        this.quotas = quotas;
        this.persistence = persistence;
        this.jobs = jobs;
        this.jobWaits = jobWaits;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.status = status;
    }

    /** What the other replicas hold: the queued-tasks quota counts their tasks of the user too. */
    void acrossReplicas(AcrossReplicas across) {
        this.across = across;
    }

    AcrossReplicas acrossReplicas() {
        return across;
    }

    /** See {@link Scheduler#submit(InputStream, String, String, String, int, Double, List, String)}. */
    Submitted submit(InputStream workload, String name, String owner, String filesSha, int priority, Double budgetUsd,
                     List<String> after, String idempotencyKey) throws WorkloadException, IOException, Quotas.Exceeded {
        String unknown = jobWaits.refusal(after, owner);
        if (unknown != null) {
            throw new WorkloadException(name, 0, unknown);
        }
        if (filesSha != null && !(FilesPack.isSha256(filesSha) && files.has(filesSha))) {
            throw new WorkloadException(name, 0, "no files pack " + filesSha + " in the store: upload it first");
        }
        if (filesSha != null) {
            // the pack may be another job's, written long ago: its age starts anew, so it outlives this job
            try {
                backend.payloads().touch(FilesPack.PREFIX + filesSha);
            } catch (RuntimeException e) {
                // e.g. S3 unreachable for a moment: the job still runs; the pack keeps its last write's age
                log.warn("files pack {}: could not renew its age ({}); it expires by its first upload's", filesSha, e.toString());
            }
        }
        JobState job = intake.accept(workload, name, owner, filesSha, priority);
        long queued = jobs.live().stream().filter(j -> j.owner().equals(owner) && !j.cancelled())
                .mapToLong(JobState::remaining).sum() + across.elsewhere(owner).queued();
        if (queued + job.total() > quotas.maxQueuedTasks()) {
            intake.discard(job);
            throw new Quotas.Exceeded(String.format("user %s has %,d tasks queued or running; %,d more would pass the"
                    + " quota of %,d: wait for some to end, or submit fewer", owner, queued, job.total(),
                    quotas.maxQueuedTasks()));
        }
        if (idempotencyKey != null) {
            String holder = persistence.claimIdempotencyKey(owner, idempotencyKey, job.jobId());
            if (!holder.equals(job.jobId())) {
                intake.discard(job);
                log.info("job {} ({}): a repeat of idempotency key {}, nothing queued", holder, name, idempotencyKey);
                return new Submitted(existing(holder), false);
            }
        }
        job.cost().budgetUsd(budgetUsd);
        jobWaits.waitOn(job, after, persistence.durable());
        persistence.submitted(job);
        jobs.put(job);
        dispatcher.enqueue(job);
        jobWaits.settle(job); // the jobs it waits on may have ended already
        log.info("job {} ({}): {} tasks queued", job.jobId(), name, job.total());
        return new Submitted(job.view(clock.millis()), true);
    }

    /**
     * The job an idempotency key made: as the scheduler's status has it, waiting a moment for a winner that
     * claimed the key an instant ago; else (running on another replica) as its record in the job store has it.
     */
    private JobView existing(String jobId) throws IOException {
        long deadline = System.nanoTime() + KEY_WINNER_WAIT.toNanos();
        while (true) {
            Optional<JobView> known = status.apply(jobId);
            if (known.isPresent()) {
                return known.get();
            }
            Optional<JobRecord> record = backend.jobStore().flatMap(s -> s.get(jobId));
            if (record.isPresent()) {
                JobRecord r = record.get();
                return new JobView(r.jobId(), r.name(), r.owner(), r.state(), r.total(), r.dispatched(), r.counts(),
                        r.submittedAt(), r.finishedAt(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r.budgetUsd(), r.cancelReason(),
                        List.of(), List.of());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + ", made by this idempotency key, is not to be found: it may have"
                        + " been refused or expired; submit with a new key");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for job " + jobId, e);
            }
        }
    }
}
