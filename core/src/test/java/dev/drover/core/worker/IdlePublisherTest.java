package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.drover.core.RetryPolicy;
import dev.drover.core.Usage;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A publisher with nothing to send sleeps until there is (a thousand idle workers in one JVM woke ten times a second each). */
class IdlePublisherTest {
    final Clock clock = Clock.systemUTC();
    final WorkerConfig config = WorkerConfig.defaults("w", 2, Duration.ZERO);
    final HeldBundles held = new HeldBundles();
    final TaskTimes times = new TaskTimes();
    final Counters counters = new Counters();
    final InMemoryMessageQueue requests = new InMemoryMessageQueue(clock);
    final ResultPublisher publisher = new ResultPublisher(config, new InMemoryMessageQueue(clock),
            new Settler(config, requests, new InMemoryClaimStore(), clock, held, counters), held,
            new Capacity(2, config.fetchAhead(), times, clock), times, () -> Usage.ZERO, counters, RetryPolicy.DEFAULT, e -> { });

    @Test
    void anIdlePublisherWaitsWithoutATimeoutAndItsStopWakesIt() throws Exception {
        Thread loop = Worker.daemon(publisher, "drover-publish-test");
        loop.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (loop.getState() != Thread.State.WAITING && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(Thread.State.WAITING, loop.getState(), "nothing to send and no start waiting: nothing to wake for");
        publisher.stop();
        loop.join(2000);
        assertFalse(loop.isAlive(), "the stop woke it");
    }
}
