package dev.drover.core.worker;

import dev.drover.core.RetryPolicy;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where bundles are received: waits for room in the {@link Capacity}, receives at most that many
 * bundles, and hands them to the {@link Claimer}. The loop never dies of a failure: it backs off
 * by the {@link RetryPolicy} and goes on, except on a failure that trying again cannot fix, which
 * stops the worker. It also notices when the worker has been idle for its timeout.
 */
final class Poller implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    /** What the poller tells the worker. */
    interface Events {
        void idle();

        void fatal(RuntimeException e);
    }

    private final WorkerConfig config;
    private final MessageQueue requests;
    private final Capacity capacity;
    private final Claimer claimer;
    private final HeldBundles held;
    private final IdleTimer idle;
    private final Lifecycle lifecycle;
    private final RetryPolicy retry;
    private final Events events;

    Poller(WorkerConfig config, MessageQueue requests, Capacity capacity, Claimer claimer, HeldBundles held,
           IdleTimer idle, Lifecycle lifecycle, RetryPolicy retry, Events events) {
        this.config = config;
        this.requests = requests;
        this.capacity = capacity;
        this.claimer = claimer;
        this.held = held;
        this.idle = idle;
        this.lifecycle = lifecycle;
        this.retry = retry;
        this.events = events;
    }

    /** Only asked when the worker would otherwise idle out: one queue-attributes read. */
    private boolean workInFlightElsewhere() {
        if (!config.holdWhileInFlight()) {
            return false;
        }
        MessageQueue.QueueDepth depth = requests.depth();
        if (depth.inFlight() + depth.visible() == 0) {
            return false;
        }
        idle.busy(); // look again after another idle timeout, not at every poll
        return true;
    }

    @Override
    public void run() {
        try {
            poll();
        } finally {
            claimer.close();
        }
    }

    private void poll() {
        int failures = 0;
        while (lifecycle.polling()) {
            try {
                int room = capacity.awaitRoom();
                if (room == 0 || !lifecycle.polling()) {
                    return;
                }
                List<Message> messages = requests.receive(Math.min(room, MessageQueue.MAX_BATCH), config.pollWait(), config.lease());
                if (messages.isEmpty()) {
                    if (held.isEmpty() && capacity.isEmpty() && idle.expired() && !workInFlightElsewhere()) {
                        log.info("worker {} idle for {}; exiting", config.workerId(), config.idleTimeout());
                        events.idle();
                    }
                } else {
                    idle.busy();
                    claimer.accept(messages);
                    capacity.fetched();
                }
                failures = 0;
            } catch (InterruptedException e) {
                return; // handing back
            } catch (RuntimeException e) {
                if (!lifecycle.polling()) {
                    return; // a receive cut short by the hand-back
                }
                if (!RetryPolicy.retryable(e)) {
                    log.error("worker {} cannot go on: {}", config.workerId(), e.toString());
                    events.fatal(e);
                    return;
                }
                if (held.isEmpty() && capacity.isEmpty() && idle.expired()) {
                    // an unreachable queue is nothing to do too: a worker that outlived its stack (no parent watch) ends
                    log.info("worker {} idle for {} (polling fails: {}); exiting", config.workerId(), config.idleTimeout(), e.toString());
                    events.idle();
                    return;
                }
                log.warn("polling failed (attempt {}): {}", ++failures, e.toString());
                if (!retry.pause(failures, e)) {
                    return;
                }
            }
        }
    }
}
