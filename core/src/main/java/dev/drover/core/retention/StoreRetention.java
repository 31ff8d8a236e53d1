package dev.drover.core.retention;

import dev.drover.core.Periodic;
import dev.drover.core.port.PayloadStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed bucket's lifecycle rule, for a store that has none (the in-JVM pool's, s3proxy's): every
 * object under a job's prefixes ({@link #PREFIXES}) older than the retention is deleted. An object's age
 * is the time since it was last written, as S3 counts it, and every object of a job is written at or
 * after the job's submission, so a job's objects outlive it by at least the retention. A files pack is
 * shared by the jobs that name the same files: each submission renews its age
 * ({@link PayloadStore#touch}), so it expires only a retention after the last job that used it.
 *
 * <p>S3 rounds an expiry up to the next midnight UTC; this sweeper deletes within one sweep period of
 * the exact age. A sweep that fails is logged and tried again at the next one.
 */
public final class StoreRetention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreRetention.class);
    /** As long as the deployed stack keeps them by default ({@code -c retentionDays=30}). */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    public static final Duration DEFAULT_SWEEP_EVERY = Duration.ofHours(1);
    /** The prefixes a job's objects live under; the deployed bucket's lifecycle rules expire the same. */
    public static final List<String> PREFIXES = List.of(PayloadStore.OUTPUTS_PREFIX, PayloadStore.FILES_PREFIX,
            PayloadStore.PAYLOADS_PREFIX, PayloadStore.WORKLOADS_PREFIX);

    private final PayloadStore store;
    private final Duration retention;
    private final Clock clock;
    private Periodic thread;

    public StoreRetention(PayloadStore store, Duration retention, Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention must be positive: " + retention);
        }
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    public Duration retention() {
        return retention;
    }

    /** Deletes every object under {@link #PREFIXES} older than the retention; returns how many. */
    public int sweep() {
        Instant cutoff = clock.instant().minus(retention);
        int deleted = 0;
        for (String prefix : PREFIXES) {
            for (PayloadStore.StoredObject o : store.list(prefix)) {
                if (o.modified().isBefore(cutoff)) {
                    store.delete(o.key());
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            log.info("retention: deleted {} objects written before {} ({} ago)", deleted, cutoff, retention);
        }
        return deleted;
    }

    /**
     * Sweeps every {@code every}, the first time one period after the start (so that a short-lived
     * store, a test's or a benchmark's, sees no requests of its), on a daemon thread of its own, until
     * {@link #close}.
     */
    public synchronized StoreRetention start(Duration every) {
        if (thread != null) {
            return this;
        }
        thread = Periodic.withFixedDelay("drover-retention", every, every, () -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("retention: a sweep of the store failed, trying again in {}: {}", every, e.toString());
            }
        });
        return this;
    }

    @Override
    public void close() {
        Periodic t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.stop(); // outside the lock, which start takes
        }
    }
}
