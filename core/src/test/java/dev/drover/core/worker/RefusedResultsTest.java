package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A response queue that refuses a result message as too large (no compression, no store for the rest) is never
 * retried with the same message: the results go one a message, and a result too large alone is given up.
 */
class RefusedResultsTest {
    static final int LIMIT = 64 * 1024;
    /** About 27 KB of text that does not repeat: three results of it are past the limit, one is well under. */
    static final String MEDIUM = "head -c 20000 /dev/urandom | base64 -w 0";
    static final String TOO_LARGE = "head -c 60000 /dev/urandom | base64 -w 0";

    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock, LIMIT, Integer.MAX_VALUE, null);

    @Test
    void resultsOfARefusedMessageGoOneAMessageAndAResultTooLargeAloneDoesNotHoldTheNextOnesBack() throws Exception {
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, new InMemoryClaimStore(), Executors.standard(TaskEnvironment.fromWorker(System.getenv())),
                clock, () -> Usage.ZERO).start();
        try {
            send("a", 6, MEDIUM);
            List<TaskResult> a = Responses.collect(responses, 6, Duration.ofSeconds(20));
            assertEquals(LongStream.range(0, 6).boxed().toList(), a.stream().map(TaskResult::seq).sorted().toList(),
                    "every result of the refused message came, one a message");
            send("b", 1, TOO_LARGE);
            send("c", 1, "echo after");
            List<TaskResult> c = Responses.collect(responses, 1, Duration.ofSeconds(20));
            assertEquals(List.of("c"), c.stream().map(TaskResult::jobId).toList(),
                    "the result no message could carry was given up, not retried ahead of the next");
        } finally {
            w.drain().get(10, TimeUnit.SECONDS);
        }
    }

    private void send(String job, int tasks, String command) {
        List<Task> list = LongStream.range(0, tasks).mapToObj(i -> new Task(i, (int) i + 1, command, 0, 1, 1)).toList();
        requests.send(List.of(Json.write(new Bundle(job + ":0", job, clock.millis(), list))));
    }
}
