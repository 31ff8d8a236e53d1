package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Outcome;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A job's first bundle: its cancellation flag is read while the bundle is claimed, not after, and its
 * tasks still wait for both answers, so a job cancelled before its first claim runs nothing.
 */
class CancelReadOverlapTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    final InMemoryClaimStore store = new InMemoryClaimStore();
    final CountDownLatch readBegun = new CountDownLatch(1);
    final CountDownLatch claimReturned = new CountDownLatch(1);
    final CountDownLatch readMayAnswer = new CountDownLatch(1);
    final AtomicBoolean readAnswered = new AtomicBoolean();
    final AtomicBoolean readWasUnderWayDuringTheClaim = new AtomicBoolean();
    final Set<Long> ran = ConcurrentHashMap.newKeySet();
    final Set<Long> ranBeforeTheReadAnswered = ConcurrentHashMap.newKeySet();

    /** The in-memory store, with its claim and cancellation read made to wait for each other as a test needs. */
    final class Gated implements ClaimStore {
        final boolean claimWaitsForTheRead;

        Gated(boolean claimWaitsForTheRead) {
            this.claimWaitsForTheRead = claimWaitsForTheRead;
        }

        @Override
        public ClaimOutcome claim(String bundleId, String owner, Instant now, Duration lease) {
            try {
                if (claimWaitsForTheRead) {
                    // bounded: a read that only follows the claim never begins
                    readWasUnderWayDuringTheClaim.set(readBegun.await(5, TimeUnit.SECONDS));
                }
                return store.claim(bundleId, owner, now, lease);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                claimReturned.countDown();
            }
        }

        @Override
        public boolean isCancelled(String jobId) {
            readBegun.countDown();
            try {
                if (!claimWaitsForTheRead) {
                    claimReturned.await();
                    readMayAnswer.await();
                }
                return store.isCancelled(jobId);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                readAnswered.set(true);
            }
        }

        @Override
        public boolean renew(String bundleId, String owner, Instant now, Duration lease, Set<Long> reported) {
            return store.renew(bundleId, owner, now, lease, reported);
        }

        @Override
        public boolean complete(String bundleId, String owner, Instant now) {
            return store.complete(bundleId, owner, now);
        }

        @Override
        public void release(String bundleId, String owner, Instant now, Set<Long> reported) {
            store.release(bundleId, owner, now, reported);
        }

        @Override
        public void cancelJob(String jobId, Instant now) {
            store.cancelJob(jobId, now);
        }
    }

    final TaskExecutor executor = new TaskExecutor() {
        @Override
        public Outcome run(String jobId, Task task, BooleanSupplier cancelled) {
            ran.add(task.seq());
            if (!readAnswered.get()) {
                ranBeforeTheReadAnswered.add(task.seq());
            }
            return new Outcome(TaskStatus.SUCCEEDED, 0, "", "", false, false, null);
        }
    };

    Worker start(ClaimStore claims) {
        return new Worker(WorkerConfig.defaults("overlap", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, claims, executor, clock, () -> Usage.ZERO).start();
    }

    void send(String job) {
        requests.send(List.of(Json.write(new Bundle(job + ":0", job, clock.millis(), List.of(new Task(0, 1, "x", 0, 1, 1))))));
    }

    @Test
    void aNewJobsFlagIsReadWhileItsFirstBundleIsClaimed() throws Exception {
        Worker w = start(new Gated(true));
        send("j");
        assertEquals(1, Responses.collect(responses, 1, Duration.ofSeconds(10)).size());
        assertTrue(readBegun.getCount() == 0 && claimReturned.getCount() == 0);
        assertEquals(Set.of(0L), ran);
        assertTrue(ranBeforeTheReadAnswered.isEmpty());
        w.drain().get(10, TimeUnit.SECONDS);
        assertTrue(readWasUnderWayDuringTheClaim.get(), "the flag's read began before the claim returned");
        long end = System.nanoTime() + 5_000_000_000L;
        while (readingThreads() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(0, readingThreads(), "a stopped worker leaves no reading thread behind");
    }

    static long readingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("drover-cancel-read-overlap")).count();
    }

    @Test
    void aTaskWaitsForItsJobsFlagWhenTheClaimAnswersFirst() throws Exception {
        Worker w = start(new Gated(false));
        send("j");
        assertTrue(claimReturned.await(10, TimeUnit.SECONDS));
        assertTrue(ran.isEmpty(), "nothing runs while the flag's read is out");
        readMayAnswer.countDown();
        assertEquals(1, Responses.collect(responses, 1, Duration.ofSeconds(10)).size());
        assertEquals(Set.of(0L), ran);
        assertTrue(ranBeforeTheReadAnswered.isEmpty(), "the task started only once its job's flag was read");
        w.drain().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJobCancelledBeforeItsFirstClaimRunsNothingThoughItsFlagAnswersAfterTheClaim() throws Exception {
        store.cancelJob("k", clock.instant());
        Worker w = start(new Gated(false));
        send("k");
        assertTrue(claimReturned.await(10, TimeUnit.SECONDS));
        readMayAnswer.countDown();
        long end = System.nanoTime() + 10_000_000_000L;
        while (requests.depth().visible() + requests.depth().inFlight() > 0 && System.nanoTime() < end) {
            Thread.sleep(20); // the skipped bundle is settled: its message deleted
        }
        assertEquals(0, requests.depth().visible() + requests.depth().inFlight());
        assertTrue(ran.isEmpty(), "a cancelled job's task never starts");
        w.drain().get(10, TimeUnit.SECONDS);
    }
}
