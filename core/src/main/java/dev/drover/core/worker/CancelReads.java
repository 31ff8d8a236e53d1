package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellation flags of the jobs one receive brought, each read at most once. A job this worker
 * already holds a bundle of takes that bundle's flag, which the {@link CancelWatcher} reads again every
 * check, so a running job costs no read per receive; another job's flag is read when its first bundle
 * is claimed, before any of its tasks starts. A failed read counts as not cancelled: the watcher reads
 * the flag again within a check.
 */
final class CancelReads {
    private static final Logger log = LoggerFactory.getLogger(CancelReads.class);

    private final ClaimStore claims;
    private final Map<String, Boolean> flags = new HashMap<>();

    /** @param held the bundles this worker holds as the receive came */
    CancelReads(ClaimStore claims, List<BundleRun> held) {
        this.claims = claims;
        held.forEach(r -> flags.merge(r.jobId(), r.cancelled, Boolean::logicalOr));
    }

    boolean cancelled(String jobId) {
        return flags.computeIfAbsent(jobId, this::read);
    }

    private boolean read(String jobId) {
        try {
            return claims.isCancelled(jobId);
        } catch (RuntimeException e) {
            log.warn("cancellation read for job {} failed: {}", jobId, e.toString());
            return false;
        }
    }
}
