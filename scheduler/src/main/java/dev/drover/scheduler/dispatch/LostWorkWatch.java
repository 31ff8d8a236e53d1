package dev.drover.scheduler.dispatch;

import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.job.JobState;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Notices dispatched tasks that can no longer end: their messages vanished (SQS's retention, a
 * purge, an emulator restarted without its data) or were dropped as duplicates of a bundle whose
 * holder then died. A worker holding a bundle keeps its message in flight and a worker that ran
 * one has posted its results, so when neither the request nor the response queue has held
 * anything, visible or in flight, for {@code lostAfter}, and a job with tasks out has had no
 * result for as long, those tasks have neither a live claim nor a result: the dispatcher sends
 * them again.
 */
public final class LostWorkWatch {
    private final MessageQueue requests;
    private final MessageQueue responses;
    private final Supplier<Collection<JobState>> jobs;
    private final Dispatcher dispatcher;
    private final Duration lostAfter;
    private final Clock clock;
    private long quietSince; // watch thread only; 0 while the queue holds something

    public LostWorkWatch(MessageQueue requests, MessageQueue responses, Supplier<Collection<JobState>> jobs, Dispatcher dispatcher, Duration lostAfter,
                  Clock clock) {
        this.requests = requests;
        this.responses = responses;
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.lostAfter = lostAfter;
        this.clock = clock;
    }

    /** How often to {@link #check}: a quarter of the silence that counts as lost, at least every 100 ms. */
    public Duration interval() {
        return Duration.ofMillis(Math.max(100, lostAfter.toMillis() / 4));
    }

    private static boolean holdsAny(MessageQueue queue) {
        MessageQueue.QueueDepth depth = queue.depth();
        return depth.visible() + depth.inFlight() > 0;
    }

    public void check() {
        long now = clock.millis();
        if (holdsAny(requests) || holdsAny(responses)) {
            quietSince = 0;
            return;
        }
        if (quietSince == 0) {
            quietSince = now;
        }
        if (now - quietSince < lostAfter.toMillis()) {
            return;
        }
        for (JobState job : jobs.get()) {
            if (job.outstanding() > 0 && now - job.lastResultAt() >= lostAfter.toMillis()) {
                dispatcher.redispatchLost(job);
            }
        }
        quietSince = now; // give the re-sent work a whole period before looking again
    }
}
