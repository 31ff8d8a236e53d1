package dev.drover.core.worker;

/**
 * Moving average of the run times of one job's tasks on this worker; negative until one has ended.
 * Per job, so that one job's short tasks never make the worker hoard another's long ones. Races
 * between task threads are benign: the mean is only a hint for how far ahead to fetch.
 */
final class TaskTimes {
    private volatile String job = "";
    private volatile double meanMillis = -1;

    /** A bundle of {@code jobId} arrived: a new job starts a new mean. */
    void bundleOf(String jobId) {
        if (!jobId.equals(job)) {
            job = jobId;
            meanMillis = -1;
        }
    }

    void ran(String jobId, long millis) {
        if (jobId.equals(job)) {
            double mean = meanMillis;
            meanMillis = mean < 0 ? millis : mean * 0.9 + millis * 0.1;
        }
    }

    double meanMillis() {
        return meanMillis;
    }
}
