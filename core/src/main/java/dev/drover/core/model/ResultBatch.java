package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.drover.core.Usage;
import java.util.List;

/**
 * One response message: results from one worker, plus the billable calls the worker made and the
 * duplicate deliveries it skipped since its previous batch, charged to {@code usageJob} (the job it
 * was serving), so the scheduler can report what each job cost. {@code started} names the tasks
 * the worker has begun since its previous batch (of any job), so they show as RUNNING. {@code proofs}
 * bind each result and start to the sealed bundle it was run under ({@link ResultProof}).
 */
public record ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped,
                          List<TaskResult> results, List<TaskStart> started, List<ResultProof> proofs) {
    @JsonCreator
    public ResultBatch(@JsonProperty("worker") String worker, @JsonProperty("usageJob") String usageJob,
                       @JsonProperty("usage") Usage usage, @JsonProperty("duplicatesSkipped") long duplicatesSkipped,
                       @JsonProperty("results") List<TaskResult> results, @JsonProperty("started") List<TaskStart> started,
                       @JsonProperty("proofs") List<ResultProof> proofs) {
        this.worker = worker;
        this.usageJob = usageJob;
        this.usage = usage;
        this.duplicatesSkipped = duplicatesSkipped;
        this.results = results == null ? List.of() : List.copyOf(results);
        this.started = started == null ? List.of() : List.copyOf(started);
        this.proofs = proofs == null ? List.of() : List.copyOf(proofs);
    }

    public ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped, List<TaskResult> results,
                       List<TaskStart> started) {
        this(worker, usageJob, usage, duplicatesSkipped, results, started, List.of());
    }

    public ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped, List<TaskResult> results) {
        this(worker, usageJob, usage, duplicatesSkipped, results, List.of());
    }
}
