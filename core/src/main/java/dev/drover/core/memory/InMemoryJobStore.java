package dev.drover.core.memory;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Jobs and results in this JVM's heap: the reference the DynamoDB store is tested against. */
public final class InMemoryJobStore implements JobStore {
    private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<TaskResult>>> chunks = new ConcurrentHashMap<>();
    /** user + NUL + key to job id. */
    private final Map<String, String> idempotencyKeys = new ConcurrentHashMap<>();

    @Override
    public void save(JobRecord job) {
        jobs.put(job.jobId(), job);
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public String claimIdempotencyKey(String user, String key, String jobId) {
        return idempotencyKeys.computeIfAbsent(user + '\0' + key, k -> jobId);
    }

    @Override
    public List<JobRecord> list() {
        List<JobRecord> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparingLong(JobRecord::submittedAt).thenComparing(JobRecord::jobId));
        return all;
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
        Map<String, List<TaskResult>> job = chunks.computeIfAbsent(jobId, j -> new LinkedHashMap<>());
        synchronized (job) {
            job.putIfAbsent(chunkId, List.copyOf(results));
        }
    }

    @Override
    public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
        Map<String, List<TaskResult>> job = chunks.getOrDefault(jobId, Map.of());
        List<List<TaskResult>> copy;
        synchronized (job) {
            copy = new ArrayList<>(job.values());
        }
        copy.forEach(chunk -> chunk.forEach(consumer));
    }

    @Override
    public void delete(String jobId) {
        jobs.remove(jobId);
        chunks.remove(jobId);
        idempotencyKeys.values().removeIf(jobId::equals);
    }
}
