package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The unit of delivery, claim and lease: one queue message carrying one or more tasks of a job.
 *
 * @param dispatchedAt epoch millis when the scheduler queued it (task latency is measured from here)
 * @param seal         what the worker signs this bundle's results with (null: unsealed, e.g. hand-made in
 *                     a test; a scheduler drops the results of an unsealed bundle)
 */
public record Bundle(String bundleId, String jobId, long dispatchedAt, List<Task> tasks,
                     @JsonInclude(JsonInclude.Include.NON_NULL) BundleSeal seal) {
    public Bundle {
        tasks = List.copyOf(tasks);
    }

    public Bundle(String bundleId, String jobId, long dispatchedAt, List<Task> tasks) {
        this(bundleId, jobId, dispatchedAt, tasks, null);
    }
}
