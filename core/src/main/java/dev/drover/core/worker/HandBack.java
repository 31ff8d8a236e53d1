package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a {@link Worker}'s stop: every bundle it still holds is released in the claim store
 * (keeping which of its tasks were reported) and its message made visible at once, so another worker
 * takes it up now instead of after a lease.
 */
final class HandBack {
    private static final Logger log = LoggerFactory.getLogger(HandBack.class);

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final ClaimStore claims;
    private final Clock clock;
    private final HeldBundles held;

    HandBack(WorkerConfig config, MessageQueue requests, ClaimStore claims, Clock clock, HeldBundles held) {
        this.config = config;
        this.requests = requests;
        this.claims = claims;
        this.clock = clock;
        this.held = held;
    }

    /** The bundles held now, named for a log line. */
    List<String> held() {
        return held.snapshot().stream().map(run -> "bundle " + run.bundleId()).toList();
    }

    /**
     * Releases every bundle still held, keeping what was reported, and makes its message visible now;
     * gives up at {@code deadline} (System.nanoTime). Returns what it could not hand back.
     */
    List<String> all(long deadline) {
        List<String> failed = new ArrayList<>();
        List<BundleRun> released = new ArrayList<>();
        for (BundleRun run : held.snapshot()) {
            try {
                if (System.nanoTime() - deadline >= 0) {
                    failed.add("bundle " + run.bundleId());
                    continue;
                }
                claims.release(run.bundleId(), config.workerId(), clock.instant(), Set.copyOf(run.reported));
            } catch (RuntimeException e) {
                log.debug("release of {} failed: {}", run.bundleId(), e.toString());
                failed.add("bundle " + run.bundleId());
            }
            held.remove(run);
            released.add(run);
        }
        if (!released.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                requests.changeVisibility(released.stream().map(r -> r.message).toList(), Duration.ZERO);
                return failed;
            } catch (RuntimeException e) {
                log.debug("making {} messages visible failed: {}", released.size(), e.toString());
            }
        }
        released.forEach(run -> failed.add("message " + run.bundleId()));
        return failed;
    }
}
