package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks that wait on others, dispatched by the real scheduler to real workers running real shells. */
class DependencyDispatchTest extends DependencyFixture {
    @Test
    void eachStageStartsOnlyAfterEveryTaskItWaitsOnSucceeded() throws Exception {
        Scheduler s = start();
        workers(4);
        String job = submit(s, """
                @name prep
                sleep 150
                @replicas 6
                @after prep
                @name map
                echo map $DROVER_REPLICA
                @replicas 1
                @after map
                echo reduce
                """);
        List<TaskResult> r = done(s, job);
        assertEquals(8, r.size());
        r.forEach(t -> assertEquals(TaskStatus.SUCCEEDED, t.status(), t.toString()));
        long prepEnd = r.get(0).finishedAt();
        long mapsEnd = r.subList(1, 7).stream().mapToLong(TaskResult::finishedAt).max().orElseThrow();
        r.subList(1, 7).forEach(t -> assertTrue(t.startedAt() >= prepEnd, "a map started before prep ended: " + t));
        assertTrue(r.get(7).startedAt() >= mapsEnd, "the reduce started before the last map ended");
        assertTrue(r.get(7).startedAt() - mapsEnd < 2000, "the reduce went soon after: " + (r.get(7).startedAt() - mapsEnd) + " ms");
    }

    @Test
    void aFailedTaskCancelsWhatWaitsOnItDownTheChainAndAfterAnyRunsAnyway() throws Exception {
        Scheduler s = start();
        workers(2);
        String job = submit(s, """
                @name prep
                exit 3
                @after prep
                @name map
                echo map
                @after map
                echo reduce
                @after-any prep
                echo tolerant
                @after none
                echo free
                """);
        List<TaskResult> r = done(s, job);
        assertEquals(TaskStatus.FAILED, r.get(0).status());
        assertEquals(TaskStatus.CANCELLED, r.get(1).status());
        assertEquals("dependency: task 0 ended FAILED", r.get(1).error());
        assertEquals(TaskStatus.CANCELLED, r.get(2).status());
        assertEquals("dependency: task 1 ended CANCELLED", r.get(2).error());
        assertEquals(TaskStatus.SUCCEEDED, r.get(3).status(), "@after-any runs whatever prep's end");
        assertEquals(TaskStatus.SUCCEEDED, r.get(4).status());
        assertEquals("", r.get(1).worker(), "a cancelled dependent never reached a worker");
    }

    @Test
    void replicaIWaitsOnlyForReplicaIAndOnlyItsFailureCancelsIt() throws Exception {
        Scheduler s = start();
        workers(3);
        String job = submit(s, """
                @replicas 3
                @name align
                [ "$DROVER_REPLICA" != 1 ] || exit 1
                @after-replica align
                echo call $DROVER_REPLICA
                """);
        List<TaskResult> r = done(s, job);
        assertEquals(List.of(TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.SUCCEEDED,
                TaskStatus.SUCCEEDED, TaskStatus.CANCELLED, TaskStatus.SUCCEEDED), r.stream().map(TaskResult::status).toList());
        assertEquals("dependency: task 1 ended FAILED", r.get(4).error());
        assertEquals("call 2\n", r.get(5).stdout());
        assertTrue(r.get(3).startedAt() >= r.get(0).finishedAt());
    }

    @Test
    void aRestartedSchedulerRecountsFromTheStoredResultsAndReleasesTheWaitingStage() throws Exception {
        Scheduler first = start();
        String job = submit(first, "@name a\nsleep 1\n@after a\nsleep 2\n");
        Bundle prep = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(List.of(0L), prep.tasks().stream().map(t -> t.seq()).toList(), "only the task nothing waits on goes");
        first.close();
        open.remove(first);

        Scheduler second = start();
        Optional<Bundle> again = take(Duration.ofSeconds(2));
        assertEquals(prep.bundleId(), again.map(Bundle::bundleId).orElse(prep.bundleId()), "a re-send is the same bundle");
        assertTrue(take(Duration.ofMillis(500)).isEmpty(), "the waiting task stays at the scheduler across the restart");

        TaskResult ok = new TaskResult(job, 0, 2, "sleep 1", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w1", 1, 2, 3, 1, null);
        responses.send(List.of(Json.write(new ResultBatch("w1", job, Usage.ZERO, 0, List.of(ok), List.of(),
                List.of(ResultProof.sign(prep.seal(), List.of(ok), List.of()))))));
        long sent = System.nanoTime();
        Bundle reduce = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(1L, reduce.tasks().get(0).seq());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertTrue(ms < 1000, "released " + ms + " ms after its dependency's result was sent");
        assertEquals(TaskStatus.SUCCEEDED, second.task(job, 0).orElseThrow().status());
    }
}
