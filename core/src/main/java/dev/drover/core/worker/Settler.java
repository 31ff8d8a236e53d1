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
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final ClaimStore claims;
    private final Clock clock;
    private final HeldBundles held;
    private final Counters counters;
    private final List<BundleRun> uncompleted = new ArrayList<>(); // publisher thread only
    private long lastRetry;

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
            if (run.settled >= run.toRun && !run.lost && held.holds(run)) {
                complete(run, deletes);
            }
        }
        delete(deletes);
    }

    /** Tries again to mark done the bundles whose completion failed; called often, acts at most once a second. */
    void retryCompletions() {
        if (uncompleted.isEmpty() || System.nanoTime() - lastRetry < RETRY_NANOS) {
            return;
        }
        lastRetry = System.nanoTime();
        List<BundleRun> again = new ArrayList<>(uncompleted);
        uncompleted.clear();
        List<Message> deletes = new ArrayList<>();
        again.stream().filter(held::holds).forEach(run -> complete(run, deletes));
        delete(deletes);
    }

    /**
     * Marks a fully reported bundle done. If the claim store cannot be reached, the bundle stays held
     * (its lease and message renewed, its reported tasks recorded) and completion is tried again, so
     * no other worker re-runs tasks whose results are already out.
     */
    private void complete(BundleRun run, List<Message> deletes) {
        try {
            if (claims.complete(run.bundleId(), config.workerId(), clock.instant())) {
                counters.bundlesRun.incrementAndGet();
                deletes.add(run.message);
            } else {
                log.warn("{} is held by another worker now; leaving it to settle", run.bundleId());
                run.lost = true;
            }
            held.remove(run);
        } catch (RuntimeException e) {
            log.warn("could not mark {} done yet: {}", run.bundleId(), e.toString());
            uncompleted.add(run);
        }
    }

    private void delete(List<Message> deletes) {
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
