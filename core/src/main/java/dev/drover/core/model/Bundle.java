package dev.drover.core.model;

import java.util.List;

/**
 * The unit of delivery, claim and lease: one queue message carrying one or more tasks of a job.
 *
 * @param dispatchedAt epoch millis when the scheduler queued it (task latency is measured from here)
 */
public record Bundle(String bundleId, String jobId, long dispatchedAt, List<Task> tasks) {
    public Bundle {
        tasks = List.copyOf(tasks);
    }
}
