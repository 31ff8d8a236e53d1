package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.files.FilesCache;
import dev.drover.core.files.StoreWorkspace;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A scheduler on in-memory queues and stores, with real workers running real shells. */
abstract class DependencyFixture {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    final ClaimStore claims = new InMemoryClaimStore();
    final JobStore jobStore = new InMemoryJobStore();
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    Scheduler start() throws Exception {
        Backend backend = new Backend(requests, responses, Optional.empty(), claims, payloads, Optional.of(jobStore), UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir.resolve("data"), 4), backend, clock).start();
        open.add(s);
        return s;
    }

    /** The workers' workspace: outputs go to the payload store, inputs come from it (one cache, as on one machine). */
    StoreWorkspace workspace;

    void workers(int n) throws Exception {
        if (workspace == null) {
            workspace = new StoreWorkspace(payloads, new FilesCache(payloads, dir.resolve("files"), 1 << 20));
        }
        for (int i = 0; i < n; i++) {
            Path scratch = Files.createDirectories(dir.resolve("scratch-" + i));
            Executors executor = new Executors(scratch, 1 << 16, 1 << 20, TaskEnvironment.fromWorker(System.getenv()), workspace);
            Worker w = new Worker(WorkerConfig.defaults("w" + i, 1, Duration.ofSeconds(30)).withPollWait(Duration.ofMillis(50)),
                    requests, responses, claims, executor, clock, () -> Usage.ZERO).start();
            open.add(() -> w.handBack().get(10, TimeUnit.SECONDS));
        }
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static String submit(Scheduler s, String workload) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "ann").jobId();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    static List<TaskResult> done(Scheduler s, String job) throws Exception {
        await(() -> s.job(job).orElseThrow().done());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.streamResults(job, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result)
                .sorted(Comparator.comparingLong(TaskResult::seq)).toList();
    }

    Optional<Bundle> take(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : requests.receive(1, Duration.ofMillis(50), Duration.ofMinutes(5))) {
                requests.delete(List.of(m));
                return Optional.of(Json.bundle(m.body()));
            }
        }
        return Optional.empty();
    }
}
