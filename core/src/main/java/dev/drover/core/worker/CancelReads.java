package dev.drover.core.worker;

import dev.drover.core.port.ClaimStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellation flags of the jobs one receive brought. A job this worker already holds a bundle of
 * takes that bundle's flag, which the {@link CancelWatcher} reads again every check; the others are read
 * on a thread of their own while the claimer claims, so a bundle's start waits for the longer of the
 * two round trips instead of their sum. A failed read counts as not cancelled: the watcher reads the
 * flag again within a check.
 */
final class CancelReads {
    private static final Logger log = LoggerFactory.getLogger(CancelReads.class);

    private final Map<String, CompletableFuture<Boolean>> flags = new HashMap<>();

    private CancelReads() {}

    /** Starts reading the flags of {@code jobs} that no run in {@code held} already knows. */
    static CancelReads start(ClaimStore claims, Collection<String> jobs, List<BundleRun> held, String workerId) {
        CancelReads reads = new CancelReads();
        Map<String, Boolean> known = new HashMap<>();
        held.forEach(r -> known.merge(r.jobId(), r.cancelled, Boolean::logicalOr));
        List<String> toRead = new ArrayList<>();
        for (String job : jobs) {
            Boolean flag = known.get(job);
            if (flag != null) {
                reads.flags.put(job, CompletableFuture.completedFuture(flag));
            } else if (!reads.flags.containsKey(job)) {
                reads.flags.put(job, new CompletableFuture<>());
                toRead.add(job);
            }
        }
        if (!toRead.isEmpty()) {
            Worker.daemon(() -> toRead.forEach(job -> {
                boolean cancelled = false;
                try {
                    cancelled = read(claims, job);
                } finally {
                    reads.flags.get(job).complete(cancelled); // never leaves the claimer waiting
                }
            }), "drover-cancel-read-" + workerId).start();
        }
        return reads;
    }

    private static boolean read(ClaimStore claims, String jobId) {
        try {
            return claims.isCancelled(jobId);
        } catch (RuntimeException e) {
            log.warn("cancellation read for job {} failed: {}", jobId, e.toString());
            return false;
        }
    }

    /** The job's flag, waiting for its read if it is still under way. */
    boolean cancelled(String jobId) {
        CompletableFuture<Boolean> flag = flags.get(jobId);
        return flag != null && flag.join();
    }
}
