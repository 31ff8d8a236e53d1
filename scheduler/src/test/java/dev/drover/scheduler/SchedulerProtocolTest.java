package dev.drover.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's side of the protocol, with the test playing the workers. */
class SchedulerProtocolTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue deadLetters = new InMemoryMessageQueue(clock);
    final MessageQueue requests = new InMemoryMessageQueue(clock, InMemoryMessageQueue.DEFAULT_MAX_MESSAGE_BYTES, 2, deadLetters);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    Scheduler scheduler;

    @TempDir
    Path dir;

    /** What the scheduler sends through; a test may put a faulty queue in front of {@link #requests}. */
    MessageQueue sendSide = requests;
    java.time.Duration lostAfter = SchedulerConfig.DEFAULT_LOST_AFTER;
    Quotas quotas = Quotas.defaults();
    dev.drover.scheduler.model.Policy policy = dev.drover.scheduler.model.Policy.DEFAULT;

    Scheduler start() throws Exception {
        Backend backend = new Backend(sendSide, responses, Optional.of(deadLetters), new InMemoryClaimStore(),
                new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        // a 100 ms bundle floor: the guided self-scheduling sizes below are worked out for it
        scheduler = new Scheduler(SchedulerConfig.defaults(dir, 1).withBundleWork(Duration.ofMillis(100))
                .withLostAfter(lostAfter).withQuotas(quotas).withPolicy(policy), backend, clock).start();
        return scheduler;
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    String submit(String workload) throws Exception {
        return scheduler.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "").jobId();
    }

    void awaitDone(String jobId) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                scheduler.awaitDone(jobId);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(20, TimeUnit.SECONDS);
    }

    List<TaskResult> results(String jobId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scheduler.streamResults(jobId, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }

    List<Message> receive() {
        return requests.receive(10, Duration.ofSeconds(2), Duration.ZERO);
    }

    /** Every bundle on the request queue, in dispatch order, after {@code tasks} tasks have arrived. */
    List<Bundle> bundlesOnQueue(int tasks) {
        List<Bundle> bundles = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (bundles.stream().mapToInt(b -> b.tasks().size()).sum() < tasks && System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ofMinutes(5))) {
                assertTrue(m.body().getBytes(StandardCharsets.UTF_8).length <= InMemoryMessageQueue.DEFAULT_MAX_MESSAGE_BYTES);
                bundles.add(Json.bundle(m.body()));
            }
        }
        bundles.sort(java.util.Comparator.comparingLong(b -> b.tasks().get(0).seq()));
        return bundles;
    }

    @Test
    void bundlesShrinkAsTheJobDrainsGuidedSelfScheduling() throws Exception {
        start();
        submit("sleep 10\n".repeat(400));
        // One fleet thread: each bundle carries half the remaining work (10.05 ms a task with the
        // machinery's share), down to the 100 ms floor.
        assertEquals(List.of(200, 100, 50, 25, 13, 10, 2),
                bundlesOnQueue(400).stream().map(b -> b.tasks().size()).toList());
    }

    @Test
    void aBundleWhoseEncodingOutgrowsTheEstimateIsSplitUnderTheMessageLimit() throws Exception {
        policy = dev.drover.scheduler.model.Policy.FIFO; // no one reports here: fair share's window would hold most back
        start();
        // Backslashes double when escaped in JSON, so the byte estimate undershoots: without the
        // split, the queue would refuse the bundle and the job would never be dispatched.
        String line = "echo " + "\\".repeat(1000);
        submit((line + "\n").repeat(1000));
        List<Bundle> bundles = bundlesOnQueue(1000);
        assertEquals(java.util.stream.LongStream.range(0, 1000).boxed().toList(),
                bundles.stream().flatMap(b -> b.tasks().stream()).map(t -> t.seq()).toList());
        assertTrue(bundles.stream().allMatch(b -> b.tasks().get(0).command().equals(line)));
    }

    @Test
    void aBundleThatKeepsKillingItsWorkersIsSplitAndOnlyItsDeadlyTaskFails() throws Exception {
        start();
        String jobId = submit("sleep 0\nsleep 0\n"); // one bundle
        // workers take the bundle and die before finishing: each delivery comes straight back
        List<String> ids = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!scheduler.status(jobId).orElseThrow().state().equals(dev.drover.core.model.JobStatus.DONE)
                && System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ZERO)) {
                Bundle b = Json.bundle(m.body());
                ids.add(b.bundleId());
                if (b.tasks().get(0).seq() == 1) { // task 1 is fine: its worker runs it and reports
                    reportSucceeded(b, 1);
                    requests.delete(List.of(m));
                }
            }
        }
        awaitDone(jobId);
        List<TaskResult> all = results(jobId);
        assertEquals(2, all.size());
        TaskResult dead = all.stream().filter(r -> r.seq() == 0).findFirst().orElseThrow();
        assertEquals(TaskStatus.FAILED, dead.status());
        assertTrue(dead.error().startsWith("dead-lettered"), dead.error());
        assertEquals(TaskStatus.SUCCEEDED, all.stream().filter(r -> r.seq() == 1).findFirst().orElseThrow().status(),
                "the task that shared its bundle ran alone and succeeded");
        assertTrue(ids.contains(jobId + ":0:2/0") && ids.contains(jobId + ":0:2/1"), ids.toString());
    }

    @Test
    void tasksThatDiedBesideAPoisonTaskAreNeverFailed() throws Exception {
        start();
        String jobId = submit("kill\n" + "sleep 100\n".repeat(5)); // task 0 kills its worker, every time
        // Bundles freed by a dead worker reappear together, so one receive takes them together again: a
        // worker that gets the poison dies with all it received, and the rest reports as it should.
        List<List<Long>> receives = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!scheduler.status(jobId).orElseThrow().state().equals(dev.drover.core.model.JobStatus.DONE)
                && System.nanoTime() < deadline) {
            List<Message> got = requests.receive(10, Duration.ofMillis(200), Duration.ZERO);
            List<Bundle> bundles = got.stream().map(m -> Json.bundle(m.body())).toList();
            receives.add(bundles.stream().flatMap(b -> b.tasks().stream()).map(t -> t.seq()).toList());
            if (got.isEmpty() || bundles.stream().anyMatch(b -> b.tasks().stream().anyMatch(t -> t.seq() == 0))) {
                continue;
            }
            for (Bundle b : bundles) {
                List<TaskResult> ok = b.tasks().stream().map(t -> new TaskResult(jobId, t.seq(), t.line(), t.command(),
                        TaskStatus.SUCCEEDED, 0, "", "", false, false, "w1", 1, 2, 3, 1, null)).toList();
                responses.send(List.of(Json.write(new ResultBatch("w1", jobId, Usage.ZERO, 0, ok, List.of(),
                        List.of(ResultProof.sign(b.seal(), ok, List.of()))))));
            }
            requests.delete(got);
        }
        awaitDone(jobId);
        List<TaskResult> all = results(jobId);
        assertTrue(receives.stream().anyMatch(r -> r.contains(0L) && r.size() > 1), "the poison took others with it: " + receives);
        assertEquals(TaskStatus.FAILED, all.stream().filter(r -> r.seq() == 0).findFirst().orElseThrow().status());
        assertEquals(List.of(), all.stream().filter(r -> r.seq() != 0 && r.status() != TaskStatus.SUCCEEDED)
                .map(r -> r.seq() + " " + r.status()).toList(), "every other task succeeded; receives: " + receives);
    }

    @Test
    void aDeadLetteredBundleWithOneTaskLeftIsTriedAloneBeforeItFails() throws Exception {
        start();
        String jobId = submit("sleep 0\n"); // one bundle of one task, whose workers die (a poison beside it kills them)
        List<String> ids = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!scheduler.status(jobId).orElseThrow().state().equals(dev.drover.core.model.JobStatus.DONE)
                && System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ZERO)) {
                Bundle b = Json.bundle(m.body());
                ids.add(b.bundleId());
                if (b.bundleId().contains("/")) { // alone on its worker, it runs and reports
                    reportSucceeded(b, 0);
                    requests.delete(List.of(m));
                }
            }
        }
        awaitDone(jobId);
        assertEquals(TaskStatus.SUCCEEDED, results(jobId).get(0).status(),
                "dying beside others is no proof: only a task that kills its workers alone is failed");
        assertTrue(ids.contains(jobId + ":0:1/0"), ids.toString());
    }

    @Test
    void anIsolatedTaskWhoseSendFailsForAMomentIsSentAgainByTheDispatcher() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean failedOnce = new java.util.concurrent.atomic.AtomicBoolean();
        sendSide = new dev.drover.core.queue.ForwardingMessageQueue(requests) {
            @Override
            public void send(List<String> bodies) {
                // the first isolated single ("…:0:2/0") meets a passing fault, as SQS has them
                if (bodies.stream().anyMatch(b -> b.contains(":0:2/")) && failedOnce.compareAndSet(false, true)) {
                    throw new dev.drover.core.InfrastructureException("SQS", "ServiceUnavailable", "r1",
                            dev.drover.core.InfrastructureException.Kind.TRANSIENT, "blip", null);
                }
                requests.send(bodies);
            }
        };
        start();
        String jobId = submit("sleep 0\nsleep 0\n"); // one bundle, whose workers die until it is dead-lettered
        List<String> ids = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!scheduler.status(jobId).orElseThrow().state().equals(dev.drover.core.model.JobStatus.DONE)
                && System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ZERO)) {
                Bundle b = Json.bundle(m.body());
                ids.add(b.bundleId());
                if (b.tasks().get(0).seq() == 1) {
                    reportSucceeded(b, 1);
                    requests.delete(List.of(m));
                }
            }
        }
        assertTrue(failedOnce.get(), "the fault was met");
        awaitDone(jobId);
        assertEquals(TaskStatus.FAILED, results(jobId).stream().filter(r -> r.seq() == 0).findFirst().orElseThrow().status());
        assertEquals(TaskStatus.SUCCEEDED, results(jobId).stream().filter(r -> r.seq() == 1).findFirst().orElseThrow().status(),
                "the isolated task went out after the fault and ran");
        assertTrue(ids.contains(jobId + ":0:2/1"), ids.toString());
    }

    @Test
    void aResultDeliveredTwiceCountsOnce() throws Exception {
        start();
        String jobId = submit("sleep 0\nsleep 0\n"); // one bundle
        List<Message> got = receive();
        Bundle bundle = Json.bundle(got.get(0).body());
        requests.delete(got);
        List<TaskResult> done = bundle.tasks().stream().map(t -> new TaskResult(jobId, t.seq(), t.line(), t.command(),
                TaskStatus.SUCCEEDED, 0, "", "", false, false, "w1", 1, 2, 3, 1, null)).toList();
        String batch = Json.write(new ResultBatch("w1", jobId, new Usage(3, 2, 0, 0), 0, done, List.of(),
                List.of(ResultProof.sign(bundle.seal(), done, List.of()))));
        responses.send(List.of(batch, batch));
        awaitDone(jobId);
        Thread.sleep(300); // let the second copy arrive too
        JobView view = scheduler.status(jobId).orElseThrow();
        assertEquals(2, view.counts().get(TaskStatus.SUCCEEDED));
        assertEquals(2, results(jobId).size());
        assertEquals(2, view.duplicatesSkipped(), "the repeated results were seen and skipped");
        assertEquals(6, view.sqsRequests(), "each copy reports the calls behind it");
    }

    /** Like SQS with a body it will not carry: the whole call fails, as a caller error. */
    static MessageQueue refusing(MessageQueue queue, String poison) {
        return new dev.drover.core.queue.ForwardingMessageQueue(queue) {
            @Override
            public void send(List<String> bodies) {
                if (bodies.stream().anyMatch(b -> b.contains(poison))) {
                    throw new dev.drover.core.InfrastructureException("SQS", "InvalidMessageContents", "r1",
                            dev.drover.core.InfrastructureException.Kind.PERMANENT, "refused", null);
                }
                queue.send(bodies);
            }
        };
    }

    @Test
    void aBundleTheQueueRefusesFailsItsTasksAndEveryOtherJobGoesOn() throws Exception {
        sendSide = refusing(requests, "POISON");
        start();
        String bad = submit("echo POISON\n");
        String good = submit("sleep 0\nsleep 0\n");
        List<Bundle> bundles = bundlesOnQueue(2);
        assertEquals(List.of(good), bundles.stream().map(Bundle::jobId).distinct().toList(), "the good job was dispatched");
        awaitDone(bad);
        TaskResult failed = results(bad).get(0);
        assertEquals(TaskStatus.FAILED, failed.status());
        assertTrue(failed.error().contains("InvalidMessageContents"), failed.error());
    }

    @Test
    void bundleIdsAreDeterministicSoAReSendIsADuplicate() throws Exception {
        start();
        String jobId = submit("sleep 10\n".repeat(400));
        List<Bundle> bundles = bundlesOnQueue(400);
        assertEquals(jobId + ":0:200", bundles.get(0).bundleId());
        assertEquals(jobId + ":200:100", bundles.get(1).bundleId());
    }

    @Test
    void resultsOfAJobThisSchedulerDoesNotKnowAreLeftOnTheQueue() throws Exception {
        start();
        TaskResult foreign = new TaskResult("jOther", 0, 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false,
                "w1", 1, 2, 3, 1, null);
        responses.send(List.of(Json.write(new ResultBatch("w1", "jOther", Usage.ZERO, 0, List.of(foreign)))));
        Thread.sleep(1500);
        MessageQueue.QueueDepth depth = responses.depth();
        assertEquals(1, depth.visible() + depth.inFlight(), "still there for the scheduler that owns it");
    }

    @Test
    void dispatchedTasksThatVanishFromTheQueueAreSentAgain() throws Exception {
        lostAfter = Duration.ofMillis(400);
        start();
        String jobId = submit("sleep 0\nsleep 0\nsleep 0\n");
        List<Message> first = requests.receive(10, Duration.ofSeconds(2), Duration.ofMinutes(5));
        requests.delete(first); // gone, as after a purge or the end of SQS's retention
        List<Bundle> again = bundlesOnQueue(3);
        assertEquals(List.of(0L, 1L, 2L), again.stream().flatMap(b -> b.tasks().stream()).map(t -> t.seq()).sorted().toList());
        assertTrue(again.get(0).bundleId().startsWith(jobId + ":0:3~"), "a fresh id: " + again.get(0).bundleId());
    }

    @Test
    void aDeadLetteredBundleThatALiveWorkerHoldsIsNotFailed() throws Exception {
        InMemoryClaimStore claims = new InMemoryClaimStore();
        Backend backend = new Backend(requests, responses, Optional.of(deadLetters), claims,
                new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        scheduler = new Scheduler(SchedulerConfig.defaults(dir, 1), backend, clock).start();
        String jobId = submit("sleep 0\n");
        Message m = requests.receive(1, Duration.ofSeconds(2), Duration.ZERO).get(0);
        Bundle bundle = Json.bundle(m.body());
        claims.claim(bundle.bundleId(), "busy-worker", clock.instant(), Duration.ofMinutes(5));
        deadLetters.send(List.of(m.body())); // its busy duplicates used up the receive count
        Thread.sleep(1500);
        assertEquals(0, deadLetters.depth().visible() + deadLetters.depth().inFlight(), "read off the dead-letter queue");
        assertEquals(TaskStatus.QUEUED, scheduler.status(jobId).orElseThrow().counts().entrySet().stream()
                .filter(e -> e.getValue() > 0).findFirst().orElseThrow().getKey(), "not failed: its holder is alive");
    }

    @Test
    void aSubmissionOverTheUsersQueuedQuotaIsRefusedAndOtherUsersAreNot() throws Exception {
        quotas = new Quotas(5, Quotas.DEFAULT_MAX_RUNNING_TASKS);
        start();
        scheduler.submit(new ByteArrayInputStream("sleep 60000\n".repeat(4).getBytes(StandardCharsets.UTF_8)), "a.txt", "ann");
        Quotas.Exceeded e = org.junit.jupiter.api.Assertions.assertThrows(Quotas.Exceeded.class, () -> scheduler.submit(
                new ByteArrayInputStream("sleep 0\nsleep 0\n".getBytes(StandardCharsets.UTF_8)), "b.txt", "ann"));
        assertTrue(e.getMessage().contains("quota of 5"), e.getMessage());
        assertEquals(1, scheduler.list().size(), "nothing of the refused job stays");
        scheduler.submit(new ByteArrayInputStream("sleep 0\nsleep 0\n".getBytes(StandardCharsets.UTF_8)), "c.txt", "bob");
    }

    @Test
    void aUsersRunningQuotaHoldsTheirTasksBackButNotAnotherUsers() throws Exception {
        quotas = new Quotas(Quotas.DEFAULT_MAX_QUEUED_TASKS, 2);
        start();
        scheduler.submit(new ByteArrayInputStream("sleep 10\n".repeat(6).getBytes(StandardCharsets.UTF_8)), "a.txt", "ann");
        String bobs = scheduler.submit(new ByteArrayInputStream("sleep 10\n".getBytes(StandardCharsets.UTF_8)), "b.txt", "bob").jobId();
        List<Bundle> seen = bundlesOnQueue(3);
        Thread.sleep(300); // nothing more arrives: ann's other tasks wait at the scheduler
        seen.addAll(requests.receive(10, Duration.ofMillis(200), Duration.ofMinutes(5)).stream().map(m -> Json.bundle(m.body())).toList());
        long anns = seen.stream().filter(b -> !b.jobId().equals(bobs)).mapToLong(b -> b.tasks().size()).sum();
        assertEquals(2, anns, "ann has 2 tasks out, her quota");
        assertTrue(seen.stream().anyMatch(b -> b.jobId().equals(bobs)), "bob's task went out beside hers");
    }

    /** As a worker that ran task {@code seq} of the bundle: its SUCCEEDED result, proved under the bundle's seal. */
    private void reportSucceeded(Bundle b, long seq) {
        TaskResult ok = new TaskResult(b.jobId(), seq, (int) seq + 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false,
                "w1", 1, 2, 3, 1, null);
        responses.send(List.of(Json.write(new ResultBatch("w1", b.jobId(), Usage.ZERO, 0, List.of(ok), List.of(),
                List.of(ResultProof.sign(b.seal(), List.of(ok), List.of()))))));
    }
}
