package dev.drover.scheduler.fleet;

import dev.drover.scheduler.job.JobState;
import java.util.Collection;
import java.util.Set;

/**
 * What the fleet is asked to carry now.
 *
 * @param backlogTasks     tasks waiting or running (visible plus in flight)
 * @param meanTaskSeconds  measured mean run time of a task, or the dispatcher's estimate before any result
 * @param reportingWorkers ids of workers that have posted results, i.e. that are up and running
 */
public record Demand(long backlogTasks, double meanTaskSeconds, Set<String> reportingWorkers) {
    /** Assumed task time before a job has queued or run anything: err towards launching. */
    static final double UNKNOWN_TASK_SECONDS = 1.0;
    /** Floor for the measured mean, so {@code sleep 0} workloads do not ask for zero workers per task. */
    static final double MIN_TASK_SECONDS = 0.001;

    /** The tasks not yet final over these jobs that could run now (not those waiting on others), and how long one takes. */
    public static Demand of(Collection<JobState> jobs, Set<String> reportingWorkers) {
        long backlog = 0;
        double millis = 0;
        double tasks = 0;
        for (JobState job : jobs) {
            long remaining = job.runnable();
            if (remaining > 0 && !job.cancelled()) {
                backlog += remaining;
                double[] time = job.times().taskTime();
                millis += time[0];
                tasks += time[1];
            }
        }
        double mean = tasks > 0 ? millis / tasks / 1000.0 : UNKNOWN_TASK_SECONDS;
        return new Demand(backlog, Math.max(mean, MIN_TASK_SECONDS), Set.copyOf(reportingWorkers));
    }
}
