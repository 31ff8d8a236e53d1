package dev.drover.scheduler.model;

/**
 * What one user may hold at once, so that no user can stop the service for the others.
 *
 * @param maxQueuedTasks  tasks of the user's jobs not yet final (queued or running), counting the new job;
 *                        a submission beyond it is refused (HTTP 429)
 * @param maxRunningTasks tasks of the user's jobs on the request queue or running at once; the rest
 *                        waits at the scheduler until some end
 */
public record Quotas(long maxQueuedTasks, long maxRunningTasks) {
    public static final long DEFAULT_MAX_QUEUED_TASKS = 10_000_000;
    public static final long DEFAULT_MAX_RUNNING_TASKS = 100_000;

    public static Quotas defaults() {
        return new Quotas(DEFAULT_MAX_QUEUED_TASKS, DEFAULT_MAX_RUNNING_TASKS);
    }

    /** A submission over a quota: the client can act on it (wait, or submit less). */
    public static final class Exceeded extends Exception {
        public Exceeded(String message) {
            super(message, null, false, false);
        }
    }
}
