package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where leases are renewed: every heartbeat, each held bundle's claim is extended (recording which
 * of its tasks have reported, so a successor re-runs only the rest) and its message hidden for
 * another lease. A bundle whose lease another worker took is abandoned at once.
 */
final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final ClaimStore claims;
    private final Clock clock;
    private final HeldBundles held;

    LeaseKeeper(WorkerConfig config, MessageQueue requests, ClaimStore claims, Clock clock, HeldBundles held) {
        this.config = config;
        this.requests = requests;
        this.claims = claims;
        this.clock = clock;
        this.held = held;
    }

    void renew() {
        List<Message> extend = new ArrayList<>();
        for (BundleRun run : held.snapshot()) {
            try {
                if (!claims.renew(run.bundleId(), config.workerId(), clock.instant(), config.lease(), Set.copyOf(run.reported))) {
                    if (held.remove(run)) { // else it was completed meanwhile: no loss
                        log.warn("lost the lease on {}; abandoning it", run.bundleId());
                        run.lost = true;
                    }
                    continue;
                }
            } catch (RuntimeException e) {
                // the claim store is unreachable, which is not a lost lease: keep the message hidden, so
                // no one else starts the bundle meanwhile, and renew the claim when the store is back
                log.warn("lease renewal of {} failed: {}", run.bundleId(), e.toString());
            }
            extend.add(run.message);
        }
        try {
            if (!extend.isEmpty()) {
                requests.changeVisibility(extend, config.lease());
            }
        } catch (RuntimeException e) {
            log.warn("visibility extension failed: {}", e.toString());
        }
    }
}
