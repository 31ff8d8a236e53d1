package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.Policy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fair share on the in-JVM pool of four workers: user A submits long work, then user B a few
 * tasks. Judged by counts, not wall-clock: how many of A's tasks had finished when B's last task
 * started (both from the workers' own timestamps).
 */
class FairShareEndToEndTest {
    @TempDir
    Path dir;

    record Outcome(long aFinishedBeforeBsLastStart, long aTotal) {}

    Outcome run(Policy policy, int aTasks, int aSleep) throws Exception {
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve(policy.toString()), Clock.systemUTC(),
                new ServiceOptions.InJvmPool(4)).withTuning(c -> c.withPolicy(policy)))) {
            Scheduler scheduler = service.scheduler();
            String a = submit(scheduler, "A", ("sleep " + aSleep + "\n").repeat(aTasks));
            awaitStarted(scheduler, a); // A holds the fleet before B arrives
            String b = submit(scheduler, "B", "sleep 200\n".repeat(4));
            awaitDone(scheduler, b, 60);
            long lastStart = results(scheduler, b).stream().mapToLong(TaskResult::startedAt).max().orElseThrow();
            scheduler.cancel(a);
            awaitDone(scheduler, a, 30);
            long finished = results(scheduler, a).stream()
                    .filter(r -> r.status() == TaskStatus.SUCCEEDED && r.finishedAt() <= lastStart).count();
            assertTrue(results(scheduler, b).stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED));
            return new Outcome(finished, aTasks);
        }
    }

    @Test
    void underFairShareANewcomersTasksStartWithinABundlesTime() throws Exception {
        Outcome o = run(Policy.FAIR, 4000, 200);
        assertTrue(o.aFinishedBeforeBsLastStart() < o.aTotal() / 20,
                "B's last task started after " + o.aFinishedBeforeBsLastStart() + " of A's " + o.aTotal() + " tasks ended");
    }

    @Test
    void underFifoTheNewcomerWaitsBehindMostOfTheEarlierJob() throws Exception {
        Outcome o = run(Policy.FIFO, 400, 50);
        assertTrue(o.aFinishedBeforeBsLastStart() > o.aTotal() / 2,
                "B's last task started after only " + o.aFinishedBeforeBsLastStart() + " of A's " + o.aTotal() + " tasks ended");
    }

    static String submit(Scheduler s, String owner, String workload) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), owner + ".txt", owner).jobId();
    }

    static void awaitStarted(Scheduler s, String job) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (s.status(job).orElseThrow().counts().get(TaskStatus.RUNNING) + s.status(job).orElseThrow().counts().get(TaskStatus.SUCCEEDED) == 0
                && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    static void awaitDone(Scheduler s, String job, int seconds) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                s.awaitDone(job);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(seconds, TimeUnit.SECONDS);
    }

    static List<TaskResult> results(Scheduler s, String job) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.streamResults(job, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }
}
