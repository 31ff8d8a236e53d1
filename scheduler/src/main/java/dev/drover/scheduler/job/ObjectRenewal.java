package dev.drover.scheduler.job;

import dev.drover.core.files.FilesPack;
import dev.drover.core.port.PayloadStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the objects a running scheduler still needs from expiring: the bucket's lifecycle rule deletes
 * {@code workloads/} and {@code files/} objects a number of days after they were last written, whether a
 * job still uses them or not. Once a day this writes again (a copy onto itself) each running job's
 * workload, which a restart or a takeover reads back, and files pack, which workers fetch, and the
 * scheduler's own objects (the result-proof key); a job running longer than the rule's days keeps them.
 */
public final class ObjectRenewal {
    private static final Logger log = LoggerFactory.getLogger(ObjectRenewal.class);
    /** Shorter than any lifecycle rule can be (S3 counts expiry in whole days). */
    public static final Duration INTERVAL = Duration.ofDays(1);

    private final PayloadStore payloads;
    /** The jobs not ended (a job that ends meanwhile has its objects written once more: harmless). */
    private final Supplier<Collection<JobState>> running;
    private final boolean durable;
    private final List<String> own;

    /**
     * {@code durable}: the workloads are in the payload store (a scheduler with a job store); {@code own}: the
     * scheduler's own objects to keep.
     */
    public ObjectRenewal(PayloadStore payloads, Supplier<Collection<JobState>> running, boolean durable, List<String> own) {
        this.payloads = payloads;
        this.running = running;
        this.durable = durable;
        this.own = List.copyOf(own);
    }

    /** Writes each object again; one that fails is logged, and the next renewal tries it again. Returns the keys renewed. */
    public List<String> renew() {
        Set<String> keys = new LinkedHashSet<>(own);
        for (JobState job : running.get()) {
            if (durable) {
                keys.add(Persistence.workloadKey(job.jobId()));
            }
            if (job.files() != null) {
                keys.add(FilesPack.PREFIX + job.files());
            }
        }
        List<String> renewed = new ArrayList<>();
        for (String key : keys) {
            try {
                payloads.touch(key);
                renewed.add(key);
            } catch (RuntimeException e) {
                log.warn("could not renew {} ({}); the next renewal tries again", key, e.toString());
            }
        }
        return renewed;
    }
}
