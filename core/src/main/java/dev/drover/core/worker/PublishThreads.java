package dev.drover.core.worker;

import java.time.Duration;

/**
 * The two threads that take finished tasks out: the publisher's (results onto the response queue) and
 * the settler's (claims completed, request messages deleted, in the order sent). A stop ends them in
 * that order, so what was sent is settled before the worker hands the rest back.
 */
final class PublishThreads {
    private final ResultPublisher publisher;
    private final Settler settler;
    private final Thread publishing;
    private final Thread settling;

    PublishThreads(String workerId, ResultPublisher publisher, Settler settler) {
        this.publisher = publisher;
        this.settler = settler;
        this.publishing = Worker.daemon(publisher, "drover-publish-" + workerId);
        this.settling = Worker.daemon(settler, "drover-settle-" + workerId);
    }

    void start() {
        publishing.start();
        settling.start();
    }

    /**
     * Publishes what is queued and settles what was sent, each within {@code grace}; past it the publisher
     * gives up (what it could not send stays unsent) and a thread still stuck gets {@code threadGrace} more.
     */
    void finish(Duration grace, Duration threadGrace) throws InterruptedException {
        publisher.stop();
        publishing.join(grace.toMillis());
        if (publishing.isAlive()) {
            publisher.giveUp();
            publishing.interrupt();
            publishing.join(threadGrace.toMillis());
        }
        settler.stop();
        settling.join(grace.toMillis());
        if (settling.isAlive()) {
            settling.interrupt();
            settling.join(threadGrace.toMillis());
        }
    }
}
