package dev.drover.scheduler.depend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A line that waits is passed over by the dispatch cursor: the independent lines below it go at
 * once, and the waiting line goes when its dependency succeeds, once, across restarts.
 */
class IndependentLinesFlowTest extends DependencyFixture {
    private static final String WORKLOAD = "@name a\nsleep 1\n@after a\nsleep 2\n@after none\nsleep 3\n@replicas 3\nsleep 4\n";

    @Test
    void anIndependentLineBelowAWaitingOneStartsBeforeItsDependencyEnds() throws Exception {
        Scheduler s = start();
        workers(2);
        String job = submit(s, "@name a\n/bin/sleep 5\n@after a\necho after\n@after none\necho free\n");
        await(() -> status(s, job, 2) == TaskStatus.SUCCEEDED);
        assertFalse(status(s, job, 0).isFinal(), "the free line ended while a still runs");
        assertEquals(TaskStatus.QUEUED, status(s, job, 1), "the waiting line waits");
        s.cancel(job);
    }

    @Test
    void theWaitingLineGoesOnceWhenItsDependencySucceedsAcrossRestarts() throws Exception {
        Scheduler first = start();
        String job = submit(first, WORKLOAD);
        List<Bundle> sent = takeAll(Duration.ofSeconds(2));
        assertEquals(Set.of(0L, 2L, 3L, 4L, 5L), seqs(sent), "all but the waiting task go at once");
        Bundle a = sent.stream().filter(b -> b.tasks().get(0).seq() == 0).findFirst().orElseThrow();
        restart(first);

        Scheduler second = start();
        List<Bundle> again = takeAll(Duration.ofSeconds(1));
        again.forEach(b -> assertTrue(ids(sent).contains(b.bundleId()), "a re-send after a restart is a sent bundle: " + b.bundleId()));
        succeed(job, a);
        Bundle waiting = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(List.of(1L), waiting.tasks().stream().map(Task::seq).toList());
        assertTrue(take(Duration.ofMillis(300)).isEmpty());
        restart(second);

        start();
        for (Bundle b : takeAll(Duration.ofSeconds(1))) {
            assertTrue(b.bundleId().equals(waiting.bundleId()) || ids(sent).contains(b.bundleId()),
                    "after the release, a restart re-sends nothing under a new id: " + b.bundleId());
        }
    }

    @Test
    void aRestartBeforeTheReleaseSendsTheWaitingLineOnceItsDependencySucceeds() throws Exception {
        Scheduler first = start();
        String job = submit(first, WORKLOAD);
        Bundle a = takeAll(Duration.ofSeconds(2)).stream().filter(b -> b.tasks().get(0).seq() == 0).findFirst().orElseThrow();
        restart(first);
        Scheduler second = start();
        takeAll(Duration.ofSeconds(1));
        succeed(job, a);
        Bundle waiting = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(1L, waiting.tasks().get(0).seq());
        assertEquals(TaskStatus.SUCCEEDED, second.task(job, 0).orElseThrow().status());
    }

    @Test
    void replicaIOfAReplicaWiseLineGoesWhenReplicaIOfWhatItWaitsOnSucceedsWhateverTheReplicasBeforeIt() throws Exception {
        Scheduler s = start();
        String job = submit(s, "@replicas 3\n@name a\nsleep 1\n@after-replica a\nsleep 2\n");
        Bundle a = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(List.of(0L, 1L, 2L), a.tasks().stream().map(Task::seq).toList());
        succeed(job, a, 2);
        Bundle b2 = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(List.of(5L), b2.tasks().stream().map(Task::seq).toList(), "replica 2 goes, 0 and 1 still wait");
        assertTrue(take(Duration.ofMillis(300)).isEmpty());
        succeed(job, a, 0);
        Bundle b0 = take(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(List.of(3L), b0.tasks().stream().map(Task::seq).toList());
    }

    private static TaskStatus status(Scheduler s, String job, long seq) {
        try {
            return s.task(job, seq).orElseThrow().status();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void restart(Scheduler s) {
        s.close();
        open.remove(s);
    }

    private void succeed(String job, Bundle b) {
        succeed(job, b, b.tasks().get(0).seq());
    }

    private void succeed(String job, Bundle b, long seq) {
        Task t = b.tasks().stream().filter(x -> x.seq() == seq).findFirst().orElseThrow();
        TaskResult ok = new TaskResult(job, t.seq(), 2, t.command(), TaskStatus.SUCCEEDED, 0, "", "", false, false, "w1", 1, 2, 3, 1, null);
        responses.send(List.of(Json.write(new ResultBatch("w1", job, Usage.ZERO, 0, List.of(ok), List.of(),
                List.of(ResultProof.sign(b.seal(), List.of(ok), List.of()))))));
    }

    private List<Bundle> takeAll(Duration quiet) {
        List<Bundle> out = new ArrayList<>();
        for (Optional<Bundle> b = take(quiet); b.isPresent(); b = take(quiet)) {
            out.add(b.get());
        }
        return out;
    }

    private static Set<Long> seqs(List<Bundle> bundles) {
        Set<Long> out = new HashSet<>();
        bundles.forEach(b -> b.tasks().forEach(t -> out.add(t.seq())));
        return out;
    }

    private static Set<String> ids(List<Bundle> bundles) {
        Set<String> out = new HashSet<>();
        bundles.forEach(b -> out.add(b.bundleId()));
        return out;
    }
}
