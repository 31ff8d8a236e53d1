package dev.drover.scheduler.job;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Predicate;

/**
 * Rebuilds the jobs of an earlier scheduler run from the job store. A job still running gets its
 * workload, cursor, state and every result back at once; an ended job only its record (its results
 * are read when first asked for), and one that ended more than the retention ago is deleted instead.
 * A running job whose workload is not in the payload store is not recovered ({@link #missing}), and
 * the others are.
 */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final int REPLAY_CHUNK = 1000;

    /** A recovered job and the record it came from (whose {@code sending} bundles may need a re-send). */
    public record Recovered(JobState job, JobRecord record) {}

    /** A running job's record whose workload the payload store does not hold. */
    public static final class WorkloadMissing extends IOException {
        private final transient JobRecord record;

        WorkloadMissing(JobRecord record, NoSuchElementException cause) {
            super("job " + record.jobId() + ": its workload is not in the payload store", cause);
            this.record = record;
        }
    }

    private final JobStore store;
    private final PayloadStore payloads;
    private final Path dataDir;
    private final Clock clock;
    private final Retention retention;

    public Recovery(JobStore store, PayloadStore payloads, Path dataDir, Clock clock) {
        this(store, payloads, dataDir, clock, Retention.defaults());
    }

    public Recovery(JobStore store, PayloadStore payloads, Path dataDir, Clock clock, Retention retention) {
        this.store = store;
        this.payloads = payloads;
        this.dataDir = dataDir;
        this.clock = clock;
        this.retention = retention;
    }

    public List<Recovered> jobs() throws IOException {
        return jobs(record -> true);
    }

    /** The same, for the jobs {@code wanted} picks (a replica: the ended ones; it takes running ones one by one). */
    public List<Recovered> jobs(Predicate<JobRecord> wanted) throws IOException {
        List<Recovered> out = new ArrayList<>();
        Persistence persistence = new Persistence(Optional.of(store), payloads, retention);
        int ended = 0;
        int expired = 0;
        for (JobRecord record : store.list()) {
            if (retention.expired(record.finishedAt(), clock.instant())) {
                RetentionSweeper.forget(persistence, dataDir, record.jobId());
                expired++;
                continue;
            }
            if (!wanted.test(record)) {
                continue;
            }
            try {
                out.add(job(record));
            } catch (WorkloadMissing e) {
                missing(e);
                continue;
            }
            if (record.ended()) {
                ended++;
            }
        }
        if (ended + expired > 0) {
            log.info("recovered {} ended jobs (their results are read when asked for); deleted {} that ended more than {} ago",
                    ended, expired, retention.keep());
        }
        return out;
    }

    /**
     * One job from its record: an ended one with its results read when first asked for, a running one
     * with its workload, cursor, state and every result stored so far.
     */
    public Recovered job(JobRecord record) throws IOException {
        if (record.ended()) {
            Path dir = dataDir.resolve(record.jobId());
            JobState job = JobState.ended(record, dir.resolve("workload.txt"), dir.resolve("results.jsonl"),
                    j -> replay(j, record.finishedAt()));
            return new Recovered(job, record.withoutSending());
        }
        Path dir = JobData.directory(dataDir.resolve(record.jobId()));
        Path spool = dir.resolve("workload.txt");
        try (InputStream in = payloads.open(Persistence.workloadKey(record.jobId()))) {
            JobData.write(in, spool);
        } catch (NoSuchElementException e) {
            throw new WorkloadMissing(record, e);
        }
        JobState job = new JobState(record.jobId(), record.name(), record.owner(), record.total(),
                record.submittedAt(), new JobWorkload(spool), dir.resolve("results.jsonl"), record.files(), record.priority());
        job.dispatched(record.dispatched());
        job.held().restore(record.held());
        job.cost().budgetUsd(record.budgetUsd());
        if (record.state() == JobStatus.CANCELLED) {
            job.markCancelled(record.cancelReason() != null ? record.cancelReason() : JobState.CANCELLED_BY_USER);
        }
        replay(job, clock.millis());
        log.info("recovered job {}: {} of {} tasks have results", record.jobId(), job.total() - job.remaining(), job.total());
        return new Recovered(job, record);
    }

    /**
     * Deals with a record {@link #job} found without its workload. With nothing dispatched, it is a submit that died
     * between its two parallel writes, never answered: the record is deleted. Otherwise the workload was deleted under
     * a running job, which cannot go on: the record is left for an operator, and an error names it.
     */
    public void missing(WorkloadMissing e) {
        JobRecord r = e.record;
        if (r.dispatched() == 0 && r.sending().isEmpty() && r.held().isEmpty()) {
            RetentionSweeper.forget(new Persistence(Optional.of(store), payloads, retention), dataDir, r.jobId());
            log.warn("job {}: a submit that did not complete (its record was written, its workload not); forgotten", r.jobId());
        } else {
            log.error("{}, though {} of its tasks were sent: it cannot go on, and is left in the job store as it is",
                    e.getMessage(), r.dispatched());
        }
    }

    private void replay(JobState job, long now) {
        List<TaskResult> replay = new ArrayList<>();
        store.forEachResult(job.jobId(), r -> {
            replay.add(r);
            if (replay.size() == REPLAY_CHUNK) {
                job.accept(replay, now);
                replay.clear();
            }
        });
        job.accept(replay, now);
    }
}
