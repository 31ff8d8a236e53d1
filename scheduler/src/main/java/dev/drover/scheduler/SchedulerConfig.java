package dev.drover.scheduler;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the scheduler dispatches; read once in {@code main}.
 *
 * @param dataDir        where job workloads and result logs are spooled
 * @param fleetThreads   task threads the fleet has (or will have): bundles are cut so each gets work
 * @param bundleWork     expected run time one bundle carries; short tasks travel many to a bundle
 * @param maxOutstanding tasks on the queue or running at once, across jobs (flow control)
 */
public record SchedulerConfig(Path dataDir, int fleetThreads, Duration bundleWork, long maxOutstanding,
                              int collectorThreads) {
    /**
     * Smallest bundle for cloud queues, in expected work. A worker process runs a bundle on all its
     * threads, and each bundle costs a receive and a claim: with 100 ms, four-thread workers of 10 ms
     * tasks waited on claims at the end of a job; with 250 ms they finish together.
     */
    public static final Duration DEFAULT_BUNDLE_WORK = Duration.ofMillis(250);
    public static final long DEFAULT_MAX_OUTSTANDING = 200_000;

    public static SchedulerConfig defaults(Path dataDir, int fleetThreads) {
        return new SchedulerConfig(dataDir, fleetThreads, DEFAULT_BUNDLE_WORK, DEFAULT_MAX_OUTSTANDING, 2);
    }

    public SchedulerConfig withBundleWork(Duration work) {
        return new SchedulerConfig(dataDir, fleetThreads, work, maxOutstanding, collectorThreads);
    }
}
