package dev.drover.scheduler;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Fence;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One job store shared by scheduler replicas in one JVM, taking their writes without their fences (who owns
 * a job is not what the tests using it are about), and counting its reads of job records ({@link #gets}).
 */
public record UnfencedJobStore(JobStore store, AtomicLong gets) implements JobStore {
    public UnfencedJobStore(JobStore store) {
        this(store, new AtomicLong());
    }

    @Override
    public void save(JobRecord job) {
        store.save(job);
    }

    @Override
    public void save(JobRecord job, Fence fence) {
        store.save(job);
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        gets.incrementAndGet();
        return store.get(jobId);
    }

    @Override
    public String claimIdempotencyKey(String user, String key, String jobId) {
        return store.claimIdempotencyKey(user, key, jobId);
    }

    @Override
    public List<JobRecord> list() {
        return store.list();
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
        store.appendResults(jobId, chunkId, results);
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, Fence fence) {
        store.appendResults(jobId, chunkId, results);
    }

    @Override
    public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
        store.forEachResult(jobId, consumer);
    }

    @Override
    public void delete(String jobId) {
        store.delete(jobId);
    }
}
