package dev.drover.core.port;

import dev.drover.core.model.TaskResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Durable jobs and results, so that a restarted scheduler loses no job, task state or result. */
public interface JobStore {
    void save(JobRecord job);

    Optional<JobRecord> get(String jobId);

    List<JobRecord> list();

    /** Stores a chunk of results; saving the same chunk id again changes nothing. */
    void appendResults(String jobId, String chunkId, List<TaskResult> results);

    /** Every stored result of the job, in no particular order; may repeat a task (callers dedup). */
    void forEachResult(String jobId, Consumer<TaskResult> consumer);
}
