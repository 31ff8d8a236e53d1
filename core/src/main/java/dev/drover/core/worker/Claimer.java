package dev.drover.core.worker;

import dev.drover.core.RetryPolicy;
import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a received bundle is claimed: one conditional write per message. A won claim becomes a
 * held {@link BundleRun} whose tasks go to the task threads; a bundle already done is a duplicate
 * delivery, deleted with the next settlement; a bundle another worker holds is left alone.
 */
final class Claimer {
    private static final Logger log = LoggerFactory.getLogger(Claimer.class);

    /** SQS's longest visibility timeout. */
    private static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final ClaimStore claims;
    private final Clock clock;
    private final HeldBundles held;
    private final TaskRunner runner;
    private final ResultPublisher publisher;
    private final TaskTimes times;
    private final Counters counters;
    /** Where a job's cancellation flag is read while its first bundle is claimed. */
    private final ExecutorService cancelReads;

    Claimer(WorkerConfig config, MessageQueue requests, ClaimStore claims, Clock clock, HeldBundles held, TaskRunner runner,
            ResultPublisher publisher, TaskTimes times, Counters counters, ExecutorService cancelReads) {
        this.config = config;
        this.requests = requests;
        this.claims = claims;
        this.clock = clock;
        this.held = held;
        this.runner = runner;
        this.publisher = publisher;
        this.times = times;
        this.counters = counters;
        this.cancelReads = cancelReads;
    }

    /** Claims and starts what one receive brought, reading each job's cancellation flag at most once (see {@link CancelReads}). */
    void accept(List<Message> messages) {
        CancelReads cancelled = new CancelReads(claims, cancelReads, held.snapshot());
        for (Message message : messages) {
            Bundle bundle;
            try {
                bundle = Json.bundle(message.body());
            } catch (IllegalArgumentException e) {
                // left alone, it is redelivered until the queue dead-letters it
                log.error("unreadable bundle message {}: {}", message.id(), e.getMessage());
                continue;
            }
            accept(message, bundle, cancelled);
        }
    }

    /** No more receives: the reads under way finish, and the reading thread ends. */
    void close() {
        cancelReads.shutdown();
    }

    private void accept(Message message, Bundle bundle, CancelReads cancelled) {
        counters.lastJob = bundle.jobId();
        times.bundleOf(bundle.jobId());
        // the flag's read overlaps the claim (a wasted read if the claim is not won); the run waits for both
        cancelled.start(bundle.jobId());
        ClaimOutcome outcome;
        try {
            // a lease lapses only clockSkew after its holder's clock says so: holders and claimers
            // compare their own clocks, so "now" is taken that much early and the lease that much longer
            outcome = claims.claim(bundle.bundleId(), config.workerId(), clock.instant().minus(config.clockSkew()),
                    config.lease().plus(config.clockSkew()));
        } catch (RuntimeException e) {
            if (!RetryPolicy.retryable(e)) {
                throw e; // the worker cannot work at all: the poller stops it
            }
            log.warn("claim of {} failed, leaving it for redelivery: {}", bundle.bundleId(), e.toString());
            return;
        }
        if (outcome instanceof ClaimOutcome.Done) {
            counters.duplicates.incrementAndGet();
            publisher.add(Finished.duplicate(message));
        } else if (outcome instanceof ClaimOutcome.Claimed c) {
            BundleRun run = new BundleRun(message, bundle, c.claimCount(), c.reported());
            held.add(run);
            run.cancelled = cancelled.cancelled(run.jobId());
            runner.run(run);
        } else if (outcome instanceof ClaimOutcome.Busy busy) {
            hideUntilLapse(message, busy);
        }
    }

    /**
     * Another worker holds a live lease: this copy stays hidden until that lease could lapse, so a
     * duplicate delivery is not received (and counted towards the dead-letter queue) every poll.
     */
    private void hideUntilLapse(Message message, ClaimOutcome.Busy busy) {
        Duration left = Duration.between(clock.instant(), busy.leaseExpiresAt()).plus(config.clockSkew());
        Duration hide = left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : left.compareTo(MAX_VISIBILITY) > 0 ? MAX_VISIBILITY : left;
        try {
            requests.changeVisibility(List.of(message), hide);
        } catch (RuntimeException e) {
            log.debug("could not hide busy copy of a bundle: {}", e.toString());
        }
    }
}
