package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles what the publisher has sent: records which tasks of each bundle have reported, marks a
 * bundle done in the claim store once every task it ran has reported, and deletes the messages of
 * done bundles and of duplicate deliveries, in batched calls. Runs on the publisher thread.
 */
final class Settler {
    private static final Logger log = LoggerFactory.getLogger(Settler.class);

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final ClaimStore claims;
    private final Clock clock;
    private final HeldBundles held;
    private final Counters counters;

    Settler(WorkerConfig config, MessageQueue requests, ClaimStore claims, Clock clock, HeldBundles held, Counters counters) {
        this.config = config;
        this.requests = requests;
        this.claims = claims;
        this.clock = clock;
        this.held = held;
        this.counters = counters;
    }

    void settle(List<Finished> batch) {
        Set<BundleRun> touched = new LinkedHashSet<>();
        List<Message> deletes = new ArrayList<>();
        for (Finished f : batch) {
            if (f.duplicate() != null) {
                deletes.add(f.duplicate());
            }
            if (f.run() != null) {
                if (f.result() != null) {
                    f.run().reported.add(f.result().seq());
                }
                f.run().settled++;
                touched.add(f.run());
            }
        }
        for (BundleRun run : touched) {
            if (run.settled >= run.toRun && !run.lost && held.remove(run)) {
                try {
                    if (claims.complete(run.bundleId(), config.workerId(), clock.instant())) {
                        counters.bundlesRun.incrementAndGet();
                        deletes.add(run.message);
                    } else {
                        log.warn("{} is held by another worker now; leaving it to settle", run.bundleId());
                    }
                } catch (RuntimeException e) {
                    // results are out; if the bundle is redelivered its successor finds them all reported
                    log.warn("could not mark {} done: {}", run.bundleId(), e.toString());
                }
            }
        }
        if (!deletes.isEmpty()) {
            try {
                requests.delete(deletes);
            } catch (RuntimeException e) {
                // an undeleted message comes back, is found done, and is deleted then
                log.warn("delete failed: {}", e.toString());
            }
        }
    }
}
