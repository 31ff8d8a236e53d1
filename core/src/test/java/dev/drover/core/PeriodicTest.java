package dev.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PeriodicTest {

    @Test
    void runsOnItsNamedThreadAndGoesOnAfterARunThrows() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        Periodic p = Periodic.withFixedDelay("test-periodic", Duration.ZERO, Duration.ofMillis(5), () -> {
            thread.set(Thread.currentThread().getName());
            runs.incrementAndGet();
            three.countDown();
            throw new IllegalStateException("every run fails");
        });
        try {
            assertTrue(three.await(5, TimeUnit.SECONDS), "a failed run does not end the schedule");
            assertEquals("test-periodic", thread.get());
        } finally {
            p.stop();
        }
    }

    @Test
    void stopInterruptsARunAndWaitsForItWithinTheBound() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Periodic p = Periodic.atFixedRate("test-sleeper", Duration.ZERO, Duration.ofMillis(5), () -> {
            runs.incrementAndGet();
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        assertTrue(p.stop(Duration.ofSeconds(5)), "the interrupted run ended");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        int after = runs.get();
        Thread.sleep(50);
        assertEquals(after, runs.get(), "no run starts after stop");
    }
}
