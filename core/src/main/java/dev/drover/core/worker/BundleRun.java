package dev.drover.core.worker;

import dev.drover.core.model.Bundle;
import dev.drover.core.port.Message;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A claimed bundle while this worker holds it. */
final class BundleRun {
    final Message message;
    final Bundle bundle;
    final int claimCount;
    /** Tasks this claim runs: the bundle's tasks less those a dead predecessor already reported. */
    final int toRun;
    /** Seqs whose results are published, by this worker or by an earlier claimant. */
    final Set<Long> reported = ConcurrentHashMap.newKeySet();
    /** Tasks of this claim that ended and were handed to the publisher (publisher thread only). */
    int settled;
    volatile boolean cancelled;
    volatile boolean lost;

    BundleRun(Message message, Bundle bundle, int claimCount, Set<Long> alreadyReported) {
        this.message = message;
        this.bundle = bundle;
        this.claimCount = claimCount;
        this.reported.addAll(alreadyReported);
        this.toRun = (int) bundle.tasks().stream().filter(t -> !alreadyReported.contains(t.seq())).count();
    }

    String bundleId() {
        return bundle.bundleId();
    }

    String jobId() {
        return bundle.jobId();
    }
}
