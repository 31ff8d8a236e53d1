package dev.drover.core.worker;

import dev.drover.core.exec.TaskEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.codec.Route;
import dev.drover.core.exec.Executors;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker signs what it reports with its bundle's secret, and never hands the secret to a task. */
class ResultProofsTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);

    @Test
    void resultsAndStartsGoOutSignedAndTheSecretStaysOutOfTheTask() throws Exception {
        byte[] secret = "sixteen byte key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        BundleSeal seal = new BundleSeal("0-1@j", encoded);
        requests.send(List.of(Json.write(new Bundle("j:0:2", "j", clock.millis(),
                List.of(new Task(0, 1, "env; cat /proc/self/environ", 0, 1, 1), new Task(1, 2, "sleep 0", 0, 1, 1)), seal))));
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, new InMemoryClaimStore(), Executors.standard(TaskEnvironment.fromWorker(System.getenv())), clock, () -> Usage.ZERO).start();

        List<ResultBatch> batches = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batches.stream().mapToInt(b -> b.results().size()).sum() < 2 && System.nanoTime() < end) {
            List<Message> got = responses.receive(10, Duration.ofMillis(100), Duration.ofSeconds(30));
            got.forEach(m -> batches.add(Json.resultBatch(m.body())));
            responses.delete(got);
        }
        w.drain().get(10, TimeUnit.SECONDS);

        List<TaskResult> results = batches.stream().flatMap(b -> b.results().stream()).toList();
        assertEquals(2, results.size());
        TaskResult env = results.stream().filter(r -> r.seq() == 0).findFirst().orElseThrow();
        assertFalse(env.stdout().contains(encoded), "the bundle's secret is not in the task's environment");
        for (ResultBatch b : batches) {
            for (ResultProof p : b.proofs()) {
                assertEquals("0-1@j", p.scope());
                List<TaskResult> rs = p.results().stream()
                        .map(seq -> b.results().stream().filter(r -> r.seq() == seq).findFirst().orElseThrow()).toList();
                List<TaskStart> ss = p.started().stream()
                        .map(seq -> b.started().stream().filter(s -> s.seq() == seq).findFirst().orElseThrow()).toList();
                assertEquals(ResultProof.mac(secret, p.scope(), rs, ss), p.mac());
            }
            long proven = b.proofs().stream().mapToLong(p -> p.results().size()).sum();
            assertEquals(b.results().size(), proven, "every result of the batch is covered by a proof");
            assertEquals(b.started().size(), b.proofs().stream().mapToLong(p -> p.started().size()).sum());
        }
        assertTrue(batches.stream().anyMatch(b -> !b.proofs().isEmpty()));
    }

    @Test
    void eachMessageHoldsOneJobsResultsAndStartsBehindARouteNamingIt() throws Exception {
        // four tasks of two jobs start at once, on four threads, for a second: their starts go out before any result
        BundleSeal sealA = new BundleSeal("0-2@ja", "c2l4dGVlbiBieXRlIGtleQ");
        BundleSeal sealB = new BundleSeal("0-2@jb", "c2l4dGVlbiBieXRlIGtleQ");
        requests.send(List.of(
                Json.write(new Bundle("ja:0:2", "ja", clock.millis(), List.of(new Task(0, 1, "sleep 1000", 0, 1, 1),
                        new Task(1, 2, "sleep 1000", 0, 1, 1)), sealA)),
                Json.write(new Bundle("jb:0:2", "jb", clock.millis(), List.of(new Task(0, 1, "sleep 1000", 0, 1, 1),
                        new Task(1, 2, "sleep 1000", 0, 1, 1)), sealB))));
        Worker w = new Worker(WorkerConfig.defaults("w", 4, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, new InMemoryClaimStore(), Executors.standard(TaskEnvironment.fromWorker(System.getenv())),
                clock, () -> Usage.ZERO).start();
        List<ResultBatch> batches = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batches.stream().mapToInt(b -> b.results().size()).sum() < 4 && System.nanoTime() < end) {
            List<Message> got = responses.receive(10, Duration.ofMillis(100), Duration.ofSeconds(30));
            for (Message m : got) {
                ResultBatch b = Json.resultBatch(m.body());
                batches.add(b);
                assertEquals(Optional.of(Route.of(b)), Route.read(m.body()), "its route names its jobs");
            }
            responses.delete(got);
        }
        w.drain().get(10, TimeUnit.SECONDS);
        assertEquals(4, batches.stream().mapToInt(b -> b.results().size()).sum());
        assertTrue(batches.stream().anyMatch(b -> !b.started().isEmpty()), "starts went out");
        for (ResultBatch b : batches) {
            List<String> jobs = Stream.concat(b.results().stream().map(TaskResult::jobId), b.started().stream().map(TaskStart::jobId))
                    .distinct().toList();
            assertTrue(jobs.size() <= 1, "one job a message: " + jobs);
        }
    }
}
