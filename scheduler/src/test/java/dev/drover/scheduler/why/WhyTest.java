package dev.drover.scheduler.why;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.model.Policy;
import dev.drover.core.port.FleetLauncher;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.fleet.Provisioner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drover why: each cause named, with a scheduler whose tasks stay queued (nobody serves the queue). */
class WhyTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    Scheduler scheduler;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        Backend backend = new Backend(requests, responses, Optional.empty(), new InMemoryClaimStore(),
                new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        // nobody serves the queue here: under fair share, the first job's window would keep the others unsent
        scheduler = new Scheduler(SchedulerConfig.defaults(dir, 4).withPolicy(Policy.FIFO), backend, clock).start();
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    String submit(String owner, String workload) throws Exception {
        String job = scheduler.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", owner).jobId();
        await(() -> scheduler.status(job).orElseThrow().dispatched() > 0);
        return job;
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean());
    }

    @Test
    void underFairShareANewcomerWaitsForRoomAndIsToldTheirPlace() throws Exception {
        scheduler.close();
        Backend backend = new Backend(requests, responses, Optional.empty(), new InMemoryClaimStore(),
                new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        scheduler = new Scheduler(SchedulerConfig.defaults(dir, 4), backend, clock).start();
        String bobs = submit("bob", "sleep 1000\n".repeat(30));
        String anns = scheduler.submit(new ByteArrayInputStream("sleep 1000\n".repeat(3).getBytes(StandardCharsets.UTF_8)),
                "w.txt", "ann").jobId();
        await(() -> scheduler.standings().size() == 2);
        Thread.sleep(300); // the dispatcher has had many rounds
        long bobsOut = scheduler.status(bobs).orElseThrow().dispatched();
        assertTrue(bobsOut < 30, "bob's tasks beyond the window stay at the scheduler: " + bobsOut);
        assertEquals(0, scheduler.status(anns).orElseThrow().dispatched(), "the window is full; nobody reports");
        try (Provisioner p = provisioner(new Launcher(), 4)) {
            String queued = why(p, anns, 0L).get("queued");
            assertTrue(queued.contains("fair share: ann is 1st of 2 users waiting to send, holding 0 tasks"), queued);
            assertTrue(queued.contains("not yet sent to the queue"), queued);
            assertTrue(why(p, bobs, 29L).get("queued").contains("bob is 2nd of 2"), why(p, bobs, 29L).toString());
        }
    }

    /** Launches workers that never report (they stay booting), or refuses with EC2's error. */
    static final class Launcher implements FleetLauncher {
        final List<Member> members = new ArrayList<>();
        RuntimeException refuse;

        @Override
        public List<String> launch(int count) {
            if (refuse != null) {
                throw refuse;
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String id = "i-" + (members.size() + 1);
                members.add(new Member(id, System.currentTimeMillis(), 0));
                ids.add(id);
            }
            return ids;
        }

        @Override
        public List<Member> members() {
            return List.copyOf(members);
        }
    }

    Map<String, String> why(Provisioner p, String job, Long seq) throws Exception {
        Map<String, Object> out = new Why(scheduler, p::status, requests::depth).explain(job, seq).orElseThrow();
        @SuppressWarnings("unchecked")
        List<Why.Reason> reasons = (List<Why.Reason>) out.get("reasons");
        return reasons.stream().collect(Collectors.toMap(Why.Reason::code, Why.Reason::text, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    Provisioner provisioner(Launcher launcher, int max) {
        return new Provisioner(Provisioner.Config.elastic(max, 1, Duration.ofSeconds(1), 0.085), launcher, scheduler::demand, clock);
    }

    @Test
    void theFleetAtItsCapWithWorkersStillBooting() throws Exception {
        String job = submit("ann", "sleep 1000\n".repeat(50));
        Launcher launcher = new Launcher();
        try (Provisioner p = provisioner(launcher, 2)) {
            p.tick();
            Map<String, String> why = why(p, job, 40L);
            assertTrue(why.containsKey("queued"), why.toString());
            assertTrue(why.get("fleet-at-cap").contains("2 of 2 workers"), why.toString());
            assertTrue(why.get("booting").contains("2 workers are still booting, the oldest since"), why.toString());
            assertTrue(why.get("queued").contains("queued behind 40 tasks of this job"), why.toString());
        }
    }

    @Test
    void aLaunchRefusedWithEc2sError() throws Exception {
        String job = submit("ann", "sleep 1000\n".repeat(5));
        Launcher launcher = new Launcher();
        launcher.refuse = new IllegalStateException("EC2 InsufficientInstanceCapacity: we do not have sufficient c6i.large capacity");
        try (Provisioner p = provisioner(launcher, 4)) {
            assertThrows(IllegalStateException.class, p::tick);
            Map<String, String> why = why(p, job, null);
            assertTrue(why.get("launch-refused").contains("InsufficientInstanceCapacity"), why.toString());
            assertTrue(!why.containsKey("fleet-at-cap") && !why.containsKey("no-workers"), why.toString());
        }
    }

    @Test
    void queuedBehindOtherUsersHeldByAWorkerAndRetriesUsedUp() throws Exception {
        String bobs = submit("bob", "sleep 1000\n".repeat(30));
        String job = submit("ann", "sleep 1000\nexit 3\nsleep 1000\n");
        try (Provisioner p = provisioner(new Launcher(), 4)) {
            assertTrue(why(p, job, 2L).get("queued").contains("30 queued tasks of other users"), why(p, job, 2L).toString());
            long now = clock.millis();
            List<TaskResult> failed = List.of(new TaskResult(job, 1, 2, "exit 3", TaskStatus.FAILED, 3, "", "", false, false,
                    "worker-7", now, now, now, 3, null));
            List<TaskStart> started = List.of(new TaskStart(job, 0, now));
            // signed as a worker holding the bundle of tasks 0 and 1 would (the seal comes from this scheduler's key)
            dev.drover.core.model.BundleSeal seal = dev.drover.scheduler.collect.BundleProofs.inDataDir(dir)
                    .seal(job, List.of(new dev.drover.core.model.Task(0, 1, "sleep 1000", 0, 1, 1),
                            new dev.drover.core.model.Task(1, 2, "exit 3", 0, 1, 1)));
            responses.send(List.of(Json.write(new ResultBatch("worker-7", job, Usage.ZERO, 0, failed, started,
                    List.of(dev.drover.core.model.ResultProof.sign(seal, failed, started))))));
            await(() -> scheduler.status(job).orElseThrow().counts().get(TaskStatus.FAILED) == 1);
            assertTrue(why(p, job, 0L).get("held").startsWith("held by worker worker-7 since"), why(p, job, 0L).toString());
            assertTrue(why(p, job, 1L).get("retries-used-up").contains("FAILED after 3 attempts (exit 3)"), why(p, job, 1L).toString());
            assertEquals(2L, new Why(scheduler, p::status, requests::depth).explain(job, null).orElseThrow().get("seq"),
                    "the job's first task that has not started");
            assertTrue(scheduler.status(bobs).isPresent());
        }
    }
}
