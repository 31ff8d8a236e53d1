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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Predicate;

/**
 * Rebuilds the jobs of an earlier scheduler run from the job store. A job still running gets its
 * workload, cursor, state and every result back at once; an ended job only its record (its results
 * are read when first asked for), and one that ended more than the retention ago is deleted instead.
 */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final int REPLAY_CHUNK = 1000;

    /** A recovered job and the record it came from (whose {@code sending} bundles may need a re-send). */
    public record Recovered(JobState job, JobRecord record) {}

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
            out.add(job(record));
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
