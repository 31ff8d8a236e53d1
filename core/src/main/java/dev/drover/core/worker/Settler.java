package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles what the publisher has sent: records which tasks of each bundle have reported (at once, on
 * the publisher thread, so a lease renewal or a hand-back carries them), then, on a thread of its own
 * and in the order sent, marks a bundle done in the claim store once every task it ran has reported
 * and deletes the messages of done bundles and of duplicate deliveries, in batched calls. A slow claim
 * write or delete never holds the next results back: a job's last results waited out the settlement
 * of the batch before them.
 */
final class Settler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Settler.class);
    private static final long RETRY_NANOS = 1_000_000_000L;
    /** How long the loop waits for work at most while a completion waits to be retried. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final ClaimStore claims;
    private final Clock clock;
    private final HeldBundles held;
    private final Counters counters;
    private final List<BundleRun> uncompleted = new ArrayList<>(); // settler thread only
    private final BlockingQueue<Settlement> pending = new LinkedBlockingQueue<>();
    private volatile boolean stop;
    private long lastRetry;

    /** What one sent batch leaves to do: bundles whose every task has reported, and duplicate deliveries. */
    private record Settlement(List<BundleRun> reported, List<Message> duplicates) {
    }

    Settler(WorkerConfig config, MessageQueue requests, ClaimStore claims, Clock clock, HeldBundles held, Counters counters) {
        this.config = config;
        this.requests = requests;
        this.claims = claims;
        this.clock = clock;
        this.held = held;
        this.counters = counters;
    }

    /** The batch's results are out: records what reported now, and queues the calls that settle it. */
    void sent(List<Finished> batch) {
        Set<BundleRun> touched = new LinkedHashSet<>();
        List<Message> duplicates = new ArrayList<>();
        for (Finished f : batch) {
            if (f.duplicate() != null) {
                duplicates.add(f.duplicate());
            }
            if (f.run() != null) {
                if (f.result() != null) {
                    f.run().reported.add(f.result().seq());
                }
                f.run().settled++;
                touched.add(f.run());
            }
        }
        List<BundleRun> done = touched.stream().filter(run -> run.settled >= run.toRun).toList();
        if (!done.isEmpty() || !duplicates.isEmpty()) {
            pending.add(new Settlement(done, duplicates));
        }
    }

    /** Settles what was sent so far, then ends the loop. */
    void stop() {
        stop = true;
        pending.add(new Settlement(List.of(), List.of())); // wakes the loop
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                // blocks until a batch comes unless a completion waits to be retried: a thousand simulated
                // workers in one JVM would otherwise wake ten thousand times a second for nothing
                Settlement next = uncompleted.isEmpty() ? pending.take() : pending.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
                if (next != null) {
                    settle(next);
                }
                settleSent();
            }
            settleSent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the stop's bound: what is unsettled is handed back, its reports kept
        }
    }

    /** Settles every batch sent so far, and retries the completions that failed (at most once a second). */
    void settleSent() {
        for (Settlement s = pending.poll(); s != null; s = pending.poll()) {
            settle(s);
        }
        retryCompletions();
    }

    private void settle(Settlement s) {
        List<Message> deletes = new ArrayList<>(s.duplicates());
        for (BundleRun run : s.reported()) {
            if (!run.lost && held.holds(run)) {
                complete(run, deletes);
            }
        }
        delete(deletes);
    }

    /** Tries again to mark done the bundles whose completion failed; called often, acts a second after the last failure. */
    private void retryCompletions() {
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
            lastRetry = System.nanoTime(); // tried again a second from now, not at the next settlement
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
