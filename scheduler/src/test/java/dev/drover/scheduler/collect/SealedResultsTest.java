package dev.drover.scheduler.collect;

import dev.drover.core.exec.Workspace;
import dev.drover.core.exec.TaskEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
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
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result counts only under the seal of a bundle the scheduler dispatched, for a task inside it. */
class SealedResultsTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    final ClaimStore claims = new InMemoryClaimStore();
    final JobStore jobStore = new InMemoryJobStore();
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    Scheduler start(int fleetThreads) throws Exception {
        return start(fleetThreads, "data");
    }

    Scheduler start(int fleetThreads, String dataDir) throws Exception {
        Backend backend = new Backend(requests, responses, Optional.empty(), claims, payloads,
                Optional.of(jobStore), UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir.resolve(dataDir), fleetThreads), backend, clock).start();
        open.add(s);
        return s;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static String submit(Scheduler s, String workload) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "ann").jobId();
    }

    static TaskResult result(String job, long seq, String stdout) {
        return new TaskResult(job, seq, (int) seq + 1, "x", TaskStatus.SUCCEEDED, 0, stdout, "", false, false, "w1",
                1, 2, 3, 1, null);
    }

    void send(ResultBatch batch) {
        responses.send(List.of(Json.write(batch)));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }

    static void awaitDone(Scheduler s, String job) throws InterruptedException {
        await(() -> s.status(job).orElseThrow().state() == JobStatus.DONE);
    }

    static List<TaskResult> results(Scheduler s, String job) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.streamResults(job, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }

    static long succeeded(Scheduler s, String job) {
        return s.status(job).orElseThrow().counts().getOrDefault(TaskStatus.SUCCEEDED, 0L);
    }

    List<Bundle> takeBundles(int n) {
        List<Bundle> bundles = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (bundles.size() < n && System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ofMinutes(5))) {
                bundles.add(Json.bundle(m.body()));
            }
        }
        bundles.sort(java.util.Comparator.comparingLong(b -> b.tasks().get(0).seq()));
        return bundles;
    }

    @Test
    void forgedResultsAreIgnoredAndTheTaskStillRunsAndReportsItsRealResult() throws Exception {
        Scheduler s = start(1);
        String job = submit(s, "echo real\n");
        TaskResult forged = result(job, 0, "forged");
        List<TaskStart> forgedStart = List.of(new TaskStart(job, 0, 5));
        String scope = "0-0@" + job;
        byte[] guess = new byte[16];
        BundleSeal madeUp = new BundleSeal(scope, Base64.getUrlEncoder().withoutPadding().encodeToString(guess));
        send(new ResultBatch("forger", job, Usage.ZERO, 0, List.of(forged), forgedStart)); // no proof
        send(new ResultBatch("forger", job, Usage.ZERO, 0, List.of(forged), forgedStart,
                List.of(ResultProof.sign(madeUp, List.of(forged), forgedStart)))); // a secret it made up
        send(new ResultBatch("forger", job, Usage.ZERO, 0, List.of(forged), List.of(),
                List.of(new ResultProof(scope, List.of(0L), List.of(), "AAAA")))); // a wrong MAC
        await(() -> s.unprovenResultsDropped() >= 5);
        assertEquals(0, succeeded(s, job), "no forged result was taken");
        assertTrue(results(s, job).isEmpty());

        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        Worker worker = new Worker(WorkerConfig.defaults("w-real", 1, Duration.ofSeconds(30)), requests, responses, claims,
                new Executors(scratch, 1 << 16, 1 << 20, TaskEnvironment.fromWorker(System.getenv()), Workspace.NONE), clock, () -> Usage.ZERO).start();
        open.add(() -> worker.handBack().get(10, TimeUnit.SECONDS));
        awaitDone(s, job);
        List<TaskResult> all = results(s, job);
        assertEquals(1, all.size());
        assertEquals("real\n", all.get(0).stdout(), "the real run's result, proven by its worker");
        assertEquals("w-real", all.get(0).worker());
        assertEquals(5, s.unprovenResultsDropped());
    }

    @Test
    void aResultForATaskOutsideTheBundleIsIgnored() throws Exception {
        Scheduler s = start(1);
        String jobA = submit(s, "echo a\n");
        String jobB = submit(s, "echo b\n");
        List<Bundle> bundles = takeBundles(2);
        assertEquals(2, bundles.size());
        BundleSeal sealA = bundles.stream().filter(x -> x.jobId().equals(jobA)).findFirst().orElseThrow().seal();
        BundleSeal sealB = bundles.stream().filter(x -> x.jobId().equals(jobB)).findFirst().orElseThrow().seal();
        assertNotNull(sealA);
        assertFalse(sealA.secret().equals(sealB.secret()), "each bundle has its own secret");

        TaskResult b = result(jobB, 0, "b");
        // a worker holding A's bundle reports a task of B under A's seal
        send(new ResultBatch("w1", jobB, Usage.ZERO, 0, List.of(b), List.of(),
                List.of(ResultProof.sign(sealA, List.of(b), List.of()))));
        // A's secret under B's scope: the scheduler derives each secret from its scope, so it does not match
        send(new ResultBatch("w1", jobB, Usage.ZERO, 0, List.of(b), List.of(),
                List.of(ResultProof.sign(new BundleSeal(sealB.scope(), sealA.secret()), List.of(b), List.of()))));
        // a seq outside A's scope, under A's seal
        TaskResult a7 = result(jobA, 7, "a7");
        send(new ResultBatch("w1", jobA, Usage.ZERO, 0, List.of(a7), List.of(),
                List.of(ResultProof.sign(sealA, List.of(a7), List.of()))));
        await(() -> s.unprovenResultsDropped() >= 3);
        assertEquals(0, succeeded(s, jobB));
        assertTrue(results(s, jobA).isEmpty());

        TaskResult a = result(jobA, 0, "a");
        send(new ResultBatch("w1", jobA, Usage.ZERO, 0, List.of(a), List.of(),
                List.of(ResultProof.sign(sealA, List.of(a), List.of()))));
        send(new ResultBatch("w1", jobB, Usage.ZERO, 0, List.of(b), List.of(),
                List.of(ResultProof.sign(sealB, List.of(b), List.of()))));
        awaitDone(s, jobA);
        awaitDone(s, jobB);
        assertEquals(List.of("b"), results(s, jobB).stream().map(TaskResult::stdout).toList());
        assertEquals(List.of("a"), results(s, jobA).stream().map(TaskResult::stdout).toList());
        assertEquals(3, s.unprovenResultsDropped());
    }

    @Test
    void aForgedResultBesideAProvenOneLeavesNoTextInTheLog() throws Exception {
        Scheduler s = start(1);
        String job = submit(s, "echo a\necho b\n");
        Bundle bundle = takeBundles(1).get(0);
        assertEquals(2, bundle.tasks().size());
        TaskResult forged = result(job, 0, "forged");
        TaskResult real = result(job, 1, "b");
        // the collector keeps each result's text as received: the gate must drop the forged one's with it
        send(new ResultBatch("w1", job, Usage.ZERO, 0, List.of(forged, real), List.of(),
                List.of(ResultProof.sign(bundle.seal(), List.of(real), List.of()))));
        await(() -> succeeded(s, job) == 1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        s.streamResults(job, log, false);
        assertEquals(List.of(Json.write(real)), log.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals(1, s.unprovenResultsDropped());
    }

    @Test
    void withoutAJobStoreTheKeyIsTheDataDirectorysOwnAndStaysTheSame() throws Exception {
        Path data = dir.resolve("local");
        BundleProofs first = BundleProofs.inDataDir(data);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(BundleProofs.KEY_FILE))));
        List<dev.drover.core.model.Task> tasks = List.of(new dev.drover.core.model.Task(3, 4, "x", 0, 1, 1));
        assertEquals(first.seal("j", tasks), BundleProofs.inDataDir(data).seal("j", tasks));
        assertFalse(first.seal("j", tasks).equals(BundleProofs.inDataDir(dir.resolve("other")).seal("j", tasks)),
                "another key, another secret");
        assertEquals("3-3@j", first.seal("j", tasks).scope());
    }

    @Test
    void aRestartedSchedulerStillVerifiesTheSealsItMadeBefore() throws Exception {
        Scheduler before = start(1);
        String job = submit(before, "echo a\n");
        Bundle bundle = takeBundles(1).get(0);
        before.close();
        open.remove(before);
        assertTrue(payloads.exists(BundleProofs.KEY_OBJECT), "the key is kept beside the workloads");

        Scheduler after = start(1, "another-host"); // the same job store, a new data directory: the job comes back
        TaskResult a = result(job, 0, "a");
        send(new ResultBatch("w1", job, Usage.ZERO, 0, List.of(a), List.of(),
                List.of(ResultProof.sign(bundle.seal(), List.of(a), List.of()))));
        awaitDone(after, job);
        assertEquals(1, succeeded(after, job));
        assertEquals(0, after.unprovenResultsDropped());
    }
}
