package dev.drover.core.memory;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Fence;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.ReplicaStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Jobs and results in this JVM's heap: the reference the DynamoDB store is tested against. As there,
 * a job's owner and epoch live on its record, so {@link InMemoryReplicaStore} reads and takes them here,
 * and every conditional write is one atomic step on the job's entry.
 */
public final class InMemoryJobStore implements JobStore {
    /** A job's record with its owner (null and epoch 0 before any replica wrote it). */
    private record Meta(JobRecord job, String replica, long epoch) {}

    private final Map<String, Meta> jobs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<TaskResult>>> chunks = new ConcurrentHashMap<>();
    /** user + NUL + key to job id. */
    private final Map<String, String> idempotencyKeys = new ConcurrentHashMap<>();

    /** An unfenced save keeps the job's owner, as DynamoDB's update of the other attributes does. */
    @Override
    public void save(JobRecord job) {
        jobs.compute(job.jobId(), (id, m) -> m == null ? new Meta(job, null, 0) : new Meta(job, m.replica(), m.epoch()));
    }

    @Override
    public void save(JobRecord job, Fence fence) {
        jobs.compute(job.jobId(), (id, m) -> {
            if (m != null && m.epoch() != fence.epoch()) {
                throw new FencedOutException(id, fence);
            }
            return new Meta(job, fence.replica(), fence.epoch());
        });
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(Meta::job);
    }

    @Override
    public String claimIdempotencyKey(String user, String key, String jobId) {
        return idempotencyKeys.computeIfAbsent(user + '\0' + key, k -> jobId);
    }

    @Override
    public List<JobRecord> list() {
        List<JobRecord> all = new ArrayList<>(jobs.values().stream().map(Meta::job).toList());
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

    /** Stored while the job's entry is held, so a take cannot come between the epoch's check and the chunk. */
    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, Fence fence) {
        Meta now = jobs.computeIfPresent(jobId, (id, m) -> {
            if (m.epoch() != fence.epoch()) {
                throw new FencedOutException(id, fence);
            }
            appendResults(id, chunkId, results);
            return m;
        });
        if (now == null) {
            throw new FencedOutException(jobId, fence);
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

    /** The job's owner; empty if there is no such job. */
    Optional<ReplicaStore.Owner> owner(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(m -> new ReplicaStore.Owner(jobId, m.replica(), m.epoch()));
    }

    /** Owners of the jobs not yet ended. */
    List<ReplicaStore.Owner> unfinished() {
        List<ReplicaStore.Owner> found = new ArrayList<>();
        jobs.forEach((id, m) -> {
            if (!m.job().ended()) {
                found.add(new ReplicaStore.Owner(id, m.replica(), m.epoch()));
            }
        });
        return found;
    }

    /** Moves the job to {@code replica} at {@code seen + 1} if its epoch is still {@code seen} (0: no owner yet). */
    boolean take(String jobId, String replica, long seen) {
        AtomicBoolean taken = new AtomicBoolean();
        jobs.computeIfPresent(jobId, (id, m) -> {
            if (m.epoch() != seen) {
                return m;
            }
            taken.set(true);
            return new Meta(m.job(), replica, seen + 1);
        });
        return taken.get();
    }
}
