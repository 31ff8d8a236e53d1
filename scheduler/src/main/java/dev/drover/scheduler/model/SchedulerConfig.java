package dev.drover.scheduler.model;

import dev.drover.core.files.FilesPack;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the scheduler dispatches; read once in {@code main}.
 *
 * @param dataDir        where job workloads and result logs are spooled
 * @param fleetThreads   task threads the fleet has (or will have): bundles are cut so each gets work
 * @param bundleWork     expected run time one bundle carries; short tasks travel many to a bundle
 * @param maxOutstanding tasks on the queue or running at once, across jobs (flow control)
 * @param lostAfter      how long the request queue must be empty, and a job with tasks out silent,
 *                       before those tasks count as lost and are dispatched again
 * @param quotas         what one user may hold at once
 * @param retention      how long an ended job is kept (state, record, spool, result log) before it is forgotten
 * @param policy         the order of dispatch across users: fair share (default) or global submission order
 * @param filesUnpackedLimit the most a files pack may hold unpacked for {@code PUT /files} to take it (bytes;
 *                       default {@link FilesPack#MAX_UNPACKED_BYTES}, 16 GiB)
 */
public record SchedulerConfig(Path dataDir, int fleetThreads, Duration bundleWork, long maxOutstanding,
                              int collectorThreads, Duration lostAfter, Quotas quotas, Duration retention, Policy policy,
                              long filesUnpackedLimit) {
    /** How long an ended job is kept unless the operator says otherwise. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    /**
     * Smallest bundle for cloud queues, in expected work. A worker process runs a bundle on all its
     * threads, and each bundle costs a receive and a claim: with 100 ms, four-thread workers of 10 ms
     * tasks waited on claims at the end of a job; with 250 ms they finish together.
     */
    public static final Duration DEFAULT_BUNDLE_WORK = Duration.ofMillis(250);
    /**
     * Smallest bundle of the in-JVM pool. In-JVM queues answer in microseconds, so the last bundles
     * of a job can be a task or two, and the workers finish it together.
     */
    public static final Duration IN_JVM_BUNDLE_WORK = Duration.ofMillis(10);
    public static final long DEFAULT_MAX_OUTSTANDING = 200_000;
    /** SQS's approximate counts settle within seconds; a minute also rides out a worker's lease lapsing. */
    public static final Duration DEFAULT_LOST_AFTER = Duration.ofSeconds(60);

    public static SchedulerConfig defaults(Path dataDir, int fleetThreads) {
        return new SchedulerConfig(dataDir, fleetThreads, DEFAULT_BUNDLE_WORK, DEFAULT_MAX_OUTSTANDING, 2, DEFAULT_LOST_AFTER,
                Quotas.defaults());
    }

    public SchedulerConfig(Path dataDir, int fleetThreads, Duration bundleWork, long maxOutstanding,
                           int collectorThreads, Duration lostAfter, Quotas quotas) {
        this(dataDir, fleetThreads, bundleWork, maxOutstanding, collectorThreads, lostAfter, quotas,
                DEFAULT_RETENTION, Policy.DEFAULT, FilesPack.MAX_UNPACKED_BYTES);
    }

    /** For the in-JVM pool of {@code workers} single-threaded workers. */
    public static SchedulerConfig inJvm(Path dataDir, int workers) {
        return defaults(dataDir, workers).withBundleWork(IN_JVM_BUNDLE_WORK);
    }

    public SchedulerConfig withBundleWork(Duration work) {
        return new SchedulerConfig(dataDir, fleetThreads, work, maxOutstanding, collectorThreads, lostAfter, quotas, retention,
                policy, filesUnpackedLimit);
    }

    public SchedulerConfig withLostAfter(Duration after) {
        return new SchedulerConfig(dataDir, fleetThreads, bundleWork, maxOutstanding, collectorThreads, after, quotas, retention,
                policy, filesUnpackedLimit);
    }

    public SchedulerConfig withQuotas(Quotas q) {
        return new SchedulerConfig(dataDir, fleetThreads, bundleWork, maxOutstanding, collectorThreads, lostAfter, q, retention,
                policy, filesUnpackedLimit);
    }

    public SchedulerConfig withRetention(Duration keep) {
        return new SchedulerConfig(dataDir, fleetThreads, bundleWork, maxOutstanding, collectorThreads, lostAfter, quotas, keep,
                policy, filesUnpackedLimit);
    }

    public SchedulerConfig withPolicy(Policy p) {
        return new SchedulerConfig(dataDir, fleetThreads, bundleWork, maxOutstanding, collectorThreads, lostAfter, quotas, retention,
                p, filesUnpackedLimit);
    }

    /** The most a files pack may hold unpacked for {@code PUT /files} to take it (bytes). */
    public SchedulerConfig withFilesUnpackedLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the files unpacked limit is 1 byte or more, not " + bytes);
        }
        return new SchedulerConfig(dataDir, fleetThreads, bundleWork, maxOutstanding, collectorThreads, lostAfter, quotas, retention,
                policy, bytes);
    }
}
