package dev.drover.core.port;

/**
 * A job's durable summary.
 *
 * @param dispatched how many tasks (in workload order) have been put on the request queue;
 *                   a restarted scheduler resumes dispatch from here
 * @param state      SUBMITTED, RUNNING, DONE or CANCELLED
 */
public record JobRecord(String jobId, String name, String owner, long total, long dispatched,
                        String state, long submittedAt, long finishedAt) {

    public JobRecord withDispatched(long n) {
        return new JobRecord(jobId, name, owner, total, n, state, submittedAt, finishedAt);
    }

    public JobRecord withState(String s, long finished) {
        return new JobRecord(jobId, name, owner, total, dispatched, s, submittedAt, finished);
    }
}
