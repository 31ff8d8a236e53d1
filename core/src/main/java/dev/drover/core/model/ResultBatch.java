package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.drover.core.Usage;
import java.util.List;
import java.util.Objects;

/**
 * One response message: results from one worker, plus the billable calls the worker made and the
 * duplicate deliveries it skipped since its previous batch, charged to {@code usageJob} (the job it
 * was serving), so the scheduler can report what each job cost. {@code started} names the tasks
 * the worker has begun since its previous batch (of any job), so they show as RUNNING. {@code proofs}
 * bind each result and start to the sealed bundle it was run under ({@link ResultProof}).
 */
public record ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped,
                          List<TaskResult> results, List<TaskStart> started, List<ResultProof> proofs,
                          @JsonIgnore List<String> resultJson) {
    /**
     * @param resultJson each result's JSON as it came in the message, where the collector's reader kept it:
     *                   {@code resultJson.get(i)} is exactly {@code Json.write(results.get(i))}, so the text
     *                   says nothing the results do not and takes no part in equality; empty where unknown
     */
    public ResultBatch {
        results = results == null ? List.of() : List.copyOf(results);
        started = started == null ? List.of() : List.copyOf(started);
        proofs = proofs == null ? List.of() : List.copyOf(proofs);
        resultJson = resultJson == null ? List.of() : List.copyOf(resultJson);
        if (!resultJson.isEmpty() && resultJson.size() != results.size()) {
            throw new IllegalArgumentException(resultJson.size() + " texts for " + results.size() + " results");
        }
    }

    @JsonCreator
    public ResultBatch(@JsonProperty("worker") String worker, @JsonProperty("usageJob") String usageJob,
                       @JsonProperty("usage") Usage usage, @JsonProperty("duplicatesSkipped") long duplicatesSkipped,
                       @JsonProperty("results") List<TaskResult> results, @JsonProperty("started") List<TaskStart> started,
                       @JsonProperty("proofs") List<ResultProof> proofs) {
        this(worker, usageJob, usage, duplicatesSkipped, results, started, proofs, List.of());
    }

    public ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped, List<TaskResult> results,
                       List<TaskStart> started) {
        this(worker, usageJob, usage, duplicatesSkipped, results, started, List.of());
    }

    public ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped, List<TaskResult> results) {
        this(worker, usageJob, usage, duplicatesSkipped, results, List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultBatch b && Objects.equals(worker, b.worker) && Objects.equals(usageJob, b.usageJob)
                && Objects.equals(usage, b.usage) && duplicatesSkipped == b.duplicatesSkipped && results.equals(b.results)
                && started.equals(b.started) && proofs.equals(b.proofs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(worker, usageJob, usage, duplicatesSkipped, results, started, proofs);
    }
}
