package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import dev.drover.core.port.MessageQueue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Settling a sent batch (its claim writes and deletes) never holds the next results back. */
class SlowSettlementTest {
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final MessageQueue responses = new InMemoryMessageQueue(clock);
    final ClaimStore claims = new InMemoryClaimStore();

    @Test
    void theNextResultsGoOutWhileTheBatchBeforeThemIsStillBeingSettled() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        ClaimStore stuckCompletions = (ClaimStore) Proxy.newProxyInstance(ClaimStore.class.getClassLoader(),
                new Class<?>[] {ClaimStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("complete") && args[0].equals("a:0")) {
                        released.await(); // the claim write of the first bundle hangs, as a slow SDK call would
                    }
                    try {
                        return method.invoke(claims, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Worker w = new Worker(WorkerConfig.defaults("w", 1, Duration.ZERO).withPollWait(Duration.ofMillis(100)),
                requests, responses, stuckCompletions, Executors.standard(TaskEnvironment.fromWorker(System.getenv())),
                clock, () -> Usage.ZERO).start();
        try {
            send("a");
            assertEquals(List.of("a"), jobsOf(Responses.collect(responses, 1, Duration.ofSeconds(10))));
            send("b");
            assertEquals(List.of("b"), jobsOf(Responses.collect(responses, 1, Duration.ofSeconds(10))),
                    "b's result came while a's completion still hung");
        } finally {
            released.countDown();
        }
        w.drain().get(10, TimeUnit.SECONDS);
        assertInstanceOf(ClaimOutcome.Done.class, claims.claim("a:0", "other", clock.instant(), Duration.ofSeconds(30)),
                "a was settled once its write went through, before the worker stopped");
        assertInstanceOf(ClaimOutcome.Done.class, claims.claim("b:0", "other", clock.instant(), Duration.ofSeconds(30)));
    }

    private void send(String job) {
        requests.send(List.of(Json.write(new Bundle(job + ":0", job, clock.millis(), List.of(new Task(0, 1, "sleep 0", 0, 1, 1))))));
    }

    private static List<String> jobsOf(List<TaskResult> results) {
        return results.stream().map(TaskResult::jobId).toList();
    }
}
