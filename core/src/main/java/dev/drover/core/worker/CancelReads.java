package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellation flags of the jobs one receive brought, each read at most once. A job this worker
 * already holds a bundle of takes that bundle's flag, which the {@link CancelWatcher} reads again every
 * check, so a running job costs no read per receive; another job's flag is read on {@code reads} while
 * its first bundle is being claimed, and a claimed bundle's tasks wait for the answer before any starts.
 * A failed read counts as not cancelled: the watcher reads the flag again within a check.
 */
final class CancelReads {
    private static final Logger log = LoggerFactory.getLogger(CancelReads.class);

    private final ClaimStore claims;
    private final Executor reads;
    private final Map<String, CompletableFuture<Boolean>> flags = new HashMap<>();

    /** @param held the bundles this worker holds as the receive came */
    CancelReads(ClaimStore claims, Executor reads, List<BundleRun> held) {
        this.claims = claims;
        this.reads = reads;
        Map<String, Boolean> known = new HashMap<>();
        held.forEach(r -> known.merge(r.jobId(), r.cancelled, Boolean::logicalOr));
        known.forEach((job, flag) -> flags.put(job, CompletableFuture.completedFuture(flag)));
    }

    /** The worker's one thread for these reads; the poller shuts it down when it stops receiving. */
    static ExecutorService thread(String workerId) {
        return Executors.newSingleThreadExecutor(r -> Worker.daemon(r, "drover-cancel-read-" + workerId));
    }

    /** Starts reading the job's flag, unless it is known or being read: called before its bundle's claim, so the two overlap. */
    void start(String jobId) {
        flags.computeIfAbsent(jobId, this::readAsync);
    }

    /** The job's flag, waiting for its read if one is under way. */
    boolean cancelled(String jobId) {
        return flags.computeIfAbsent(jobId, this::readAsync).join();
    }

    private CompletableFuture<Boolean> readAsync(String jobId) {
        return CompletableFuture.supplyAsync(() -> read(jobId), reads);
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
