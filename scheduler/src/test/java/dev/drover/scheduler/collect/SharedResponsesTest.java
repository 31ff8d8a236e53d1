package dev.drover.scheduler.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.queue.CompressingMessageQueue;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.UnfencedJobStore;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduler replicas share the response queue, and a worker's result message can carry results of
 * several jobs (it batches across bundles): a replica that receives one records its own jobs' results
 * and passes the others' on to their owner, losing none; a single scheduler drops an unknown job's part.
 */
class SharedResponsesTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    /** As deployed: a message received 5 times goes to the dead-letter queue. */
    final MessageQueue responseDeadLetters = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock, 256 * 1024, 5, responseDeadLetters);
    final ClaimStore claims = new InMemoryClaimStore();
    final JobStore jobStore = new UnfencedJobStore(new InMemoryJobStore());
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;


    /** A scheduler on the shared queues and stores; a replica ({@code id} not null) or the only one. */
    Scheduler start(String name, String id) throws Exception {
        return start(name, id, responses);
    }

    /** The same, reading results from {@code results} (a stack over a shared queue of its own). */
    Scheduler start(String name, String id, MessageQueue results) throws Exception {
        Backend backend = new Backend(requests, results, Optional.empty(), claims, payloads, Optional.of(jobStore),
                UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir.resolve(name), 2), backend, clock);
        if (id != null) {
            s.asReplica(id);
        }
        open.add(s.start());
        return s;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static String submit(Scheduler s) throws Exception {
        return s.submit(new ByteArrayInputStream("echo x\n".getBytes(StandardCharsets.UTF_8)), "w.txt", "ann").jobId();
    }

    /** The bundles of these jobs (one task each), in their order. */
    List<Bundle> takeBundles(String... jobIds) {
        Map<String, Bundle> taken = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (taken.size() < jobIds.length && System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ofMinutes(5))) {
                Bundle b = Json.bundle(m.body());
                taken.put(b.jobId(), b);
            }
        }
        return Arrays.stream(jobIds).map(j -> Optional.ofNullable(taken.get(j)).orElseThrow(
                () -> new AssertionError("no bundle of " + j))).toList();
    }

    /** The results of the bundles' tasks, with their starts, in one message as a worker batches them, each bundle's proof with it. */
    ResultBatch oneMessage(List<Bundle> bundles) {
        return oneMessage(bundles, "x\n");
    }

    ResultBatch oneMessage(List<Bundle> bundles, String stdout) {
        List<TaskResult> results = new ArrayList<>();
        List<TaskStart> starts = new ArrayList<>();
        List<ResultProof> proofs = new ArrayList<>();
        long now = clock.millis();
        for (Bundle b : bundles) {
            List<TaskResult> rs = b.tasks().stream().map(t -> new TaskResult(b.jobId(), t.seq(), (int) t.seq() + 1, "echo x",
                    TaskStatus.SUCCEEDED, 0, stdout, "", false, false, "w1", now - 20, now - 10, now, 1, null)).toList();
            List<TaskStart> ss = b.tasks().stream().map(t -> new TaskStart(b.jobId(), t.seq(), now - 10)).toList();
            results.addAll(rs);
            starts.addAll(ss);
            proofs.add(ResultProof.sign(b.seal(), rs, ss));
        }
        return new ResultBatch("w1", bundles.get(0).jobId(), Usage.ZERO, 0, results, starts, proofs);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    static boolean done(Scheduler s, String job) {
        return s.status(job).map(v -> v.state() == JobStatus.DONE).orElse(false);
    }

    @Test
    void aMessageWithResultsOfTwoReplicasJobsEndsBothJobs() throws Exception {
        Scheduler a = start("a", "r-aaaa");
        Scheduler b = start("b", "r-bbbb");
        String onA = submit(a);
        String onB = submit(b);
        responses.send(List.of(Json.write(oneMessage(takeBundles(onA, onB)))));
        await(() -> done(a, onA), "A's job ends");
        await(() -> done(b, onB), "B's job ends: the replica that took the message passed B's results on");
        assertEquals(1L, b.status(onB).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
        assertEquals(0, a.unprovenResultsDropped() + b.unprovenResultsDropped(), "the passed-on part still proves itself");
    }

    @Test
    void aMessageOfAJobNobodyHoldsYetIsNeverDeadLetteredWhileItWaitsForAnOwner() throws Exception {
        Scheduler a = start("a", "r-aaaa");
        Scheduler b = start("b", "r-bbbb");
        String onB = submit(b);
        List<Bundle> bundle = takeBundles(onB);
        open.remove(b);
        b.close(); // B is gone, and nobody has taken its job yet: A turns its results away
        responses.send(List.of(Json.write(oneMessage(bundle))));
        Thread.sleep(9_000); // long enough for A to receive the message more than 5 times, a hide of 1 s apart
        assertEquals(List.of(), responseDeadLetters.receive(10, Duration.ZERO, Duration.ofSeconds(30)), "nothing dead-lettered");
        open.remove(a);
        a.close(); // the message is still on the queue for the job's next owner
        List<Message> left = responses.receive(10, Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertEquals(1, left.size());
        assertEquals(List.of(onB), Json.resultBatch(left.get(0).body()).results().stream().map(TaskResult::jobId).toList());
    }

    /** A's queue, noting in {@code events} each message it deletes and each hide it asks for. */
    static MessageQueue noting(MessageQueue queue, List<String> events) {
        return new dev.drover.core.queue.ForwardingMessageQueue(queue) {
            @Override
            public void delete(List<Message> messages) {
                messages.forEach(m -> events.add("deleted " + m.id()));
                super.delete(messages);
            }

            @Override
            public void changeVisibility(List<Message> messages, Duration visibility) {
                messages.forEach(m -> events.add("hidden " + visibility.toSeconds() + "s " + m.id()));
                super.changeVisibility(messages, visibility);
            }
        };
    }

    @Test
    void aMessageOfAJobALiveReplicaOwnsIsHandedToItAndDeletedOnlyOnceItRecordedIt() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Scheduler a = start("a", "r-aaaa", noting(responses, events));
        Scheduler b = start("b", "r-bbbb", new InMemoryMessageQueue(clock)); // B's collectors never see the message
        String onB = submit(b);
        a.acrossReplicas(liveOwnerOf(onB, "b.example:8080"));
        a.collectors().forwardTo((address, messages) -> {
            assertEquals("b.example:8080", address);
            List<String> recorded = b.collectors().handIn().take(messages);
            recorded.forEach(id -> events.add("recorded " + id));
            return java.util.Set.copyOf(recorded);
        });
        responses.send(List.of(Json.routed(oneMessage(takeBundles(onB)))));
        await(() -> done(b, onB), "B's job ends: A handed B its result");
        await(() -> events.stream().anyMatch(e -> e.startsWith("deleted")), "A deletes the message");
        String id = events.get(0).substring("recorded ".length());
        assertEquals(List.of("recorded " + id, "deleted " + id), events, "deleted once B recorded it, never hidden");
        assertEquals(1L, b.status(onB).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
        assertEquals(0, a.unprovenResultsDropped() + b.unprovenResultsDropped(), "B proved it as its own collector would");
    }

    @Test
    void aMessageTheOwnerDoesNotTakeIsHiddenNotDeletedAndOneOfAJobWithNoLiveOwnerIsHidden() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Scheduler a = start("a", "r-aaaa", noting(responses, events));
        a.acrossReplicas(liveOwnerOf("j-live", "b.example:8080"));
        AtomicInteger calls = new AtomicInteger();
        a.collectors().forwardTo((address, messages) -> {
            calls.incrementAndGet();
            throw new java.io.IOException("the owner did not answer");
        });
        responses.send(List.of(Json.routed(strayBatch("j-live"))));
        await(() -> !events.isEmpty(), "A turns the live owner's message away");
        assertTrue(events.get(0).startsWith("hidden 1s "), "hidden a second, as before, for the owner: " + events);
        assertEquals(1, calls.get(), "after one attempt to hand it over");
        open.remove(a);
        a.close();
        assertTrue(events.stream().noneMatch(e -> e.startsWith("deleted")), "never deleted: " + events);
        List<Message> left = responses.receive(10, Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertEquals(1, left.size(), "still on the queue for its owner");
        responses.delete(left);
        events.clear();
        Scheduler again = start("a2", "r-aaaa", noting(responses, events));
        again.acrossReplicas(liveOwnerOf("j-live", "b.example:8080"));
        again.collectors().forwardTo((address, messages) -> {
            throw new AssertionError("a job with no live owner is handed to nobody");
        });
        responses.send(List.of(Json.routed(strayBatch("j-orphan"))));
        await(() -> !events.isEmpty(), "A turns the orphan's message away");
        assertTrue(events.get(0).startsWith("hidden 1s "), "no live owner: hidden, so it does not go round unread: " + events);
    }

    /** What the other replicas hold: nothing, but {@code job} is owned by a live one at {@code address}. */
    static dev.drover.scheduler.model.AcrossReplicas liveOwnerOf(String job, String address) {
        dev.drover.scheduler.model.AcrossReplicas none = dev.drover.scheduler.model.AcrossReplicas.NONE;
        return new dev.drover.scheduler.model.AcrossReplicas() {
            @Override
            public Elsewhere elsewhere(String user) {
                return none.elsewhere(user);
            }

            @Override
            public long runningCap(String user, long quota) {
                return none.runningCap(user, quota);
            }

            @Override
            public Optional<dev.drover.core.port.ReplicaStore.Ec2Share> ec2() {
                return none.ec2();
            }

            @Override
            public Optional<String> liveOwner(String jobId) {
                return jobId.equals(job) ? Optional.of(address) : Optional.empty();
            }
        };
    }

    /** A message of one result of {@code job}, which the scheduler reading it does not hold. */
    static ResultBatch strayBatch(String job) {
        TaskResult r = new TaskResult(job, 0, 1, "echo x", TaskStatus.SUCCEEDED, 0, "x\n", "", false, false, "w1", 1, 2,
                System.currentTimeMillis(), 1, null);
        return new ResultBatch("w1", job, Usage.ZERO, 0, List.of(r), List.of(), List.of());
    }

    @Test
    void aSingleSchedulerDropsAnUnknownJobsPartAndRecordsItsOwn() throws Exception {
        Scheduler s = start("s", null);
        String mine = submit(s);
        ResultBatch batch = oneMessage(takeBundles(mine));
        TaskResult stray = new TaskResult("j-forgotten", 0, 1, "echo x", TaskStatus.SUCCEEDED, 0, "x\n", "", false, false,
                "w1", 1, 2, 3, 1, null);
        List<TaskResult> results = new ArrayList<>(batch.results());
        results.add(stray);
        responses.send(List.of(Json.write(new ResultBatch("w1", mine, Usage.ZERO, 0, results, batch.started(), batch.proofs()))));
        await(() -> done(s, mine), "its own job ends");
        open.remove(s);
        s.close();
        assertEquals(List.of(), responses.receive(10, Duration.ofSeconds(2), Duration.ofSeconds(30)),
                "the message was deleted, and the stray result not sent again");
    }

    /** The payload store, counting the offloaded message bodies read through it: each is a message decoded. */
    PayloadStore countingFetches(AtomicInteger fetches) {
        return (PayloadStore) Proxy.newProxyInstance(PayloadStore.class.getClassLoader(), new Class<?>[] {PayloadStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("open") && ((String) args[0]).startsWith(PayloadStore.PAYLOADS_PREFIX)) {
                        fetches.incrementAndGet();
                    }
                    try {
                        return method.invoke(payloads, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** An output too large for the (small) queue even compressed: a body with it is offloaded. */
    static String largeOutput() {
        byte[] noise = new byte[12_000];
        new Random(7).nextBytes(noise);
        return java.util.Base64.getEncoder().encodeToString(noise);
    }

    @Test
    void aReplicaLeavesAMessageRoutedToAnotherReplicasJobUnreadAndItWaitsWholeForTheOwner() throws Exception {
        MessageQueue wire = new InMemoryMessageQueue(clock, 4096, 5, responseDeadLetters);
        AtomicInteger fetchedByA = new AtomicInteger();
        Scheduler a = start("a", "r-aaaa", CompressingMessageQueue.overCloudQueue(wire, countingFetches(fetchedByA)));
        Scheduler b = start("b", "r-bbbb", CompressingMessageQueue.overCloudQueue(wire, payloads));
        String onB = submit(b);
        List<Bundle> bundle = takeBundles(onB);
        open.remove(b);
        b.close(); // B is gone, and nobody has taken its job yet: A receives its results, again and again
        ResultBatch batch = oneMessage(bundle, largeOutput());
        CompressingMessageQueue.overCloudQueue(wire, payloads).send(List.of(Json.routed(batch))); // as a worker sends it
        Thread.sleep(5_000); // A receives it about 4 times, a hide of 1 s apart, and sends it again as new at the 3rd
        open.remove(a);
        a.close();
        assertEquals(0, fetchedByA.get(), "A never fetched, so never inflated, parsed or proved, a message of B's job");
        assertEquals(List.of(), responseDeadLetters.receive(10, Duration.ZERO, Duration.ofSeconds(30)), "nothing dead-lettered");
        List<Message> left = CompressingMessageQueue.overCloudQueue(wire, payloads)
                .receive(10, Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertEquals(1, left.size(), "one message, for the job's next owner");
        assertEquals(batch.results(), Json.resultBatch(left.get(0).body()).results(), "whole");
    }

    @Test
    void aRoutedMessageWithResultsOfTwoReplicasJobsEndsBothJobs() throws Exception {
        MessageQueue wire = new InMemoryMessageQueue(clock, 4096, 5, responseDeadLetters);
        Scheduler a = start("a", "r-aaaa", CompressingMessageQueue.overCloudQueue(wire, payloads));
        Scheduler b = start("b", "r-bbbb", CompressingMessageQueue.overCloudQueue(wire, payloads));
        String onA = submit(a);
        String onB = submit(b);
        CompressingMessageQueue.overCloudQueue(wire, payloads).send(List.of(Json.routed(oneMessage(takeBundles(onA, onB),
                largeOutput()))));
        await(() -> done(a, onA), "A's job ends");
        await(() -> done(b, onB), "B's job ends: the replica that took the message passed B's results on");
        assertEquals(1L, b.status(onB).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
        assertEquals(0, a.unprovenResultsDropped() + b.unprovenResultsDropped(), "the passed-on part still proves itself");
    }
}
