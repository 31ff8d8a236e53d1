package dev.drover.core.port;

import dev.drover.core.model.TaskResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Durable jobs and results, so that a restarted scheduler loses no job, task state or result. */
public interface JobStore {
    void save(JobRecord job);

    /**
     * Saves the record as the job's owner: only if the job's epoch is still {@code fence.epoch()} (or the
     * job is new, which then starts at that epoch, owned by {@code fence.replica()}).
     *
     * @throws FencedOutException if another replica has taken the job
     */
    default void save(JobRecord job, Fence fence) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no job owners");
    }

    Optional<JobRecord> get(String jobId);

    /**
     * Ties {@code user}'s idempotency key to {@code jobId} unless the key is tied already (atomically:
     * of two claims at once, one wins), and answers the job the key is tied to. The tie lives as long as
     * that job's items ({@link #expireAt}, {@link #delete}), so a retried submit finds the job it made.
     */
    String claimIdempotencyKey(String user, String key, String jobId);

    List<JobRecord> list();

    /** Stores a chunk of results; saving the same chunk id again changes nothing. */
    void appendResults(String jobId, String chunkId, List<TaskResult> results);

    /**
     * The same, as the job's owner: only if the job's epoch is still {@code fence.epoch()}.
     *
     * @throws FencedOutException if another replica has taken the job (the chunk is not stored)
     */
    default void appendResults(String jobId, String chunkId, List<TaskResult> results, Fence fence) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no job owners");
    }

    /**
     * The same, given each result already encoded ({@code jsonLines.get(i)} is {@code results.get(i)}
     * as JSON): a store that keeps JSON uses them, so the collector encodes a result once.
     */
    default void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines) {
        appendResults(jobId, chunkId, results);
    }

    /** The same as the job's owner, given each result already encoded: only if the job's epoch is still {@code fence.epoch()}. */
    default void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines, Fence fence) {
        appendResults(jobId, chunkId, results, fence);
    }

    /**
     * Stores several chunks of the job's results, as {@link #appendResults(String, String, List, List)} does
     * each: a store that can write them in fewer calls does (the collector's chunks of one receive).
     */
    default void appendResults(String jobId, List<ResultChunk> chunks) {
        chunks.forEach(c -> appendResults(jobId, c.chunkId(), c.results(), c.jsonLines()));
    }

    /**
     * The same as the job's owner: only if the job's epoch is still {@code fence.epoch()}.
     *
     * @throws FencedOutException if another replica has taken the job (then no chunk of the call is stored
     *     by a store that writes them at once; one that writes them in turn may have stored some before)
     */
    default void appendResults(String jobId, List<ResultChunk> chunks, Fence fence) {
        chunks.forEach(c -> appendResults(jobId, c.chunkId(), c.results(), c.jsonLines(), fence));
    }

    /** Every stored result of the job, in no particular order; may repeat a task (callers dedup). */
    void forEachResult(String jobId, Consumer<TaskResult> consumer);

    /**
     * Forgets a job that ended longer ago than the retention: its record and every stored result.
     * Deleting a job that is not there changes nothing.
     */
    void delete(String jobId);

    /**
     * Marks an ended job's record and results to expire at {@code at}, for a store that deletes by
     * itself (DynamoDB's TTL on AWS). Others need not: the scheduler's sweeper deletes them.
     */
    default void expireAt(String jobId, Instant at) {
    }
}
