package dev.drover.scheduler.job;



import dev.drover.core.model.TaskResult;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.PayloadStore;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduler writes so that a restart loses nothing: the workload (to the payload store),
 * the job record with its dispatch cursor, and every chunk of results. Does nothing when the
 * backend has no job store (the in-JVM pool dies with the scheduler anyway). When a job ends, its
 * record and results are marked to expire after the retention (DynamoDB's TTL).
 */
public final class Persistence {
    private final Optional<JobStore> store;
    private final PayloadStore payloads;
    private final Retention retention;

    public Persistence(Optional<JobStore> store, PayloadStore payloads) {
        this(store, payloads, Retention.defaults());
    }

    public Persistence(Optional<JobStore> store, PayloadStore payloads, Retention retention) {
        this.store = store;
        this.payloads = payloads;
        this.retention = retention;
    }

    public static String workloadKey(String jobId) {
        return "workloads/" + jobId;
    }

    public void submitted(JobState job) {
        store.ifPresent(s -> {
            payloads.putFile(workloadKey(job.jobId()), job.workload());
            s.save(job.record());
        });
    }

    public void saveCursor(JobState job) {
        store.ifPresent(s -> {
            s.save(job.record());
            if (job.done() && job.markExpiring()) {
                s.expireAt(job.jobId(), retention.expiresAt(job.finishedAt()));
            }
        });
    }

    /** Deletes an expired job's record and results. */
    public void forget(String jobId) {
        store.ifPresent(s -> s.delete(jobId));
    }

    public void save(JobRecord record) {
        store.ifPresent(s -> s.save(record));
    }

    public void results(JobState job, String chunkId, List<TaskResult> results) {
        // once a job is done every result is a repeat, and a chunk written now would miss the job's TTL
        if (!results.isEmpty() && !job.done()) {
            store.ifPresent(s -> s.appendResults(job.jobId(), chunkId, results));
        }
    }

    /** The same, with each result already encoded as JSON (one line each, in order). */
    public void results(JobState job, String chunkId, List<TaskResult> results, List<String> jsonLines) {
        if (!results.isEmpty() && !job.done()) {
            store.ifPresent(s -> s.appendResults(job.jobId(), chunkId, results, jsonLines));
        }
    }

    public boolean durable() {
        return store.isPresent();
    }
}
