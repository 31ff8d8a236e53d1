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
 * backend has no job store (the in-JVM pool dies with the scheduler anyway).
 */
public final class Persistence {
    private final Optional<JobStore> store;
    private final PayloadStore payloads;

    public Persistence(Optional<JobStore> store, PayloadStore payloads) {
        this.store = store;
        this.payloads = payloads;
    }

    public static String workloadKey(String jobId) {
        return "workloads/" + jobId;
    }

    public void submitted(JobState job) {
        store.ifPresent(s -> {
            payloads.putFile(workloadKey(job.jobId), job.workload);
            s.save(job.record());
        });
    }

    public void saveCursor(JobState job) {
        store.ifPresent(s -> s.save(job.record()));
    }

    public void save(JobRecord record) {
        store.ifPresent(s -> s.save(record));
    }

    public void results(JobState job, String chunkId, List<TaskResult> results) {
        if (!results.isEmpty()) {
            store.ifPresent(s -> s.appendResults(job.jobId, chunkId, results));
        }
    }

    public boolean durable() {
        return store.isPresent();
    }
}
