package dev.drover.core.model;

import dev.drover.core.Usage;
import java.util.List;

/**
 * One response message: results from one worker, plus the billable calls the worker made and the
 * duplicate deliveries it skipped since its previous batch, charged to {@code usageJob} (the job it
 * was serving), so the scheduler can report what each job cost.
 */
public record ResultBatch(String worker, String usageJob, Usage usage, long duplicatesSkipped,
                          List<TaskResult> results) {
    public ResultBatch {
        results = List.copyOf(results);
    }
}
