package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SleepExecutorTest {
    private final SleepExecutor sleep = new SleepExecutor();

    private static Task task(long millis, long timeoutMs) {
        return new Task(0, 1, "sleep " + millis, timeoutMs, 1, 1);
    }

    @Test
    void neverEndsEarlyWhileItLearnsHowLateTheTimerIs() {
        for (int i = 0; i < 200; i++) {
            long start = System.nanoTime();
            Outcome out = sleep.run(task(2, 0), 2, () -> false);
            long took = System.nanoTime() - start;
            assertEquals(TaskStatus.SUCCEEDED, out.status());
            assertTrue(took >= 2_000_000, "sleep 2 took " + took + " ns");
        }
    }

    @Test
    void sleepZeroReturnsAtOnce() {
        assertEquals(TaskStatus.SUCCEEDED, sleep.run(task(0, 0), 0, () -> false).status());
    }

    @Test
    void timesOutAtTheTaskLimit() {
        long start = System.nanoTime();
        Outcome out = sleep.run(task(10_000, 50), 10_000, () -> false);
        assertEquals(TaskStatus.TIMED_OUT, out.status());
        assertTrue(System.nanoTime() - start >= 50_000_000);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the timeout, not the sleep, ended it");
    }

    @Test
    void cancellationEndsALongSleepWithinASlice() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            cancelled.set(true);
        });
        canceller.start();
        long start = System.nanoTime();
        Outcome out = sleep.run(task(60_000, 0), 60_000, cancelled::get);
        assertEquals(TaskStatus.CANCELLED, out.status());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void interruptEndsTheSleepAndKeepsTheFlag() throws Exception {
        AtomicReference<Outcome> out = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread sleeper = new Thread(() -> {
            out.set(sleep.run(task(60_000, 0), 60_000, () -> false));
            flag.set(Thread.currentThread().isInterrupted());
        });
        sleeper.start();
        Thread.sleep(50);
        sleeper.interrupt();
        sleeper.join(5_000);
        assertEquals(TaskStatus.CANCELLED, out.get().status());
        assertTrue(flag.get());
    }
}
