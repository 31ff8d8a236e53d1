package dev.drover.scheduler.job;

import dev.drover.scheduler.model.SchedulerConfig;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a job is kept after it has ended: past that, its live state, its record and results in
 * the job store, its spooled workload and its result log are forgotten. Jobs that have not ended
 * (queued, running, or cancelled with tasks still to report) never expire.
 */
public record Retention(Duration keep) {

    public Retention {
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("retention must be positive, not " + keep);
        }
    }

    public static Retention defaults() {
        return new Retention(SchedulerConfig.DEFAULT_RETENTION);
    }

    /** When a job that ended at {@code finishedAtMillis} (epoch ms) expires. */
    public Instant expiresAt(long finishedAtMillis) {
        return Instant.ofEpochMilli(finishedAtMillis).plus(keep);
    }

    /** True if the job has ended ({@code finishedAtMillis > 0}) more than the retention before {@code now}. */
    public boolean expired(long finishedAtMillis, Instant now) {
        return finishedAtMillis > 0 && now.isAfter(expiresAt(finishedAtMillis));
    }
}
