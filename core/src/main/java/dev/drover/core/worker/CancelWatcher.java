package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Notices cancelled jobs: reads each held job's flag once per check and marks its bundles, so their tasks are killed. */
final class CancelWatcher {
    private static final Logger log = LoggerFactory.getLogger(CancelWatcher.class);

    private final ClaimStore claims;
    private final HeldBundles held;

    CancelWatcher(ClaimStore claims, HeldBundles held) {
        this.claims = claims;
        this.held = held;
    }

    void check() {
        try {
            List<BundleRun> live = held.snapshot();
            live.stream().map(BundleRun::jobId).distinct().filter(claims::isCancelled)
                    .forEach(job -> live.stream().filter(r -> r.jobId().equals(job)).forEach(r -> r.cancelled = true));
        } catch (RuntimeException e) {
            log.warn("cancellation check failed: {}", e.toString());
        }
    }
}
