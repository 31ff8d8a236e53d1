package dev.drover.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import dev.drover.core.port.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettlerTest {
    final Clock clock = Clock.systemUTC();
    final InMemoryMessageQueue requests = new InMemoryMessageQueue(clock);
    final ClaimStore claims = new InMemoryClaimStore();
    final HeldBundles held = new HeldBundles();
    final Counters counters = new Counters();
    final WorkerConfig config = WorkerConfig.defaults("w", 2, Duration.ZERO);
    final Settler settler = new Settler(config, requests, claims, clock, held, counters);

    BundleRun claimedRun(String id, int tasks) {
        List<Task> list = java.util.stream.LongStream.range(0, tasks).mapToObj(s -> new Task(s, 1, "sleep 0", 0, 1, 1)).toList();
        requests.send(List.of(Json.write(new Bundle(id, "j", 0, list))));
        Message m = requests.receive(1, Duration.ZERO, Duration.ofSeconds(30)).get(0);
        ClaimOutcome.Claimed c = (ClaimOutcome.Claimed) claims.claim(id, "w", clock.instant(), Duration.ofSeconds(30));
        BundleRun run = new BundleRun(m, Json.bundle(m.body()), c.claimCount(), Set.of());
        held.add(run);
        return run;
    }

    /** Sends the batch, as the publisher does, and settles what it leaves, as the settler thread does. */
    static void settle(Settler settler, List<Finished> batch) {
        settler.sent(batch);
        settler.settleSent();
    }

    @Test
    void whatReportedIsRecordedWhenSentBeforeTheSettlementsCalls() {
        BundleRun run = claimedRun("j:0:1", 1);
        settler.sent(List.of(Finished.result(run, result(0))));
        assertEquals(Set.of(0L), run.reported, "a hand-back or renewal now carries it");
        assertTrue(held.holds(run), "not yet completed: that is the settler thread's call");
        settler.settleSent();
        assertFalse(held.holds(run));
    }

    static TaskResult result(long seq) {
        return new TaskResult("j", seq, 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w", 0, 0, 0, 1, null);
    }

    @Test
    void aBundleIsDoneAndDeletedOnlyOnceEveryTaskItRanHasReported() {
        BundleRun run = claimedRun("j:0:2", 2);
        settle(settler, List.of(Finished.result(run, result(0))));
        assertTrue(held.holds(run), "one of two reported: still held");
        assertEquals(1, requests.depth().inFlight());
        settle(settler, List.of(Finished.result(run, result(1))));
        assertFalse(held.holds(run));
        assertEquals(Set.of(0L, 1L), run.reported);
        assertEquals(1, counters.bundlesRun.get());
        assertEquals(0, requests.depth().inFlight() + requests.depth().visible(), "its message is deleted");
        assertInstanceOf(ClaimOutcome.Done.class, claims.claim("j:0:2", "other", clock.instant(), Duration.ofSeconds(30)));
    }

    @Test
    void aLostBundleIsNeitherCompletedNorDeleted() {
        BundleRun run = claimedRun("j:0:1", 1);
        run.lost = true;
        settle(settler, List.of(Finished.result(run, result(0))));
        assertEquals(0, counters.bundlesRun.get());
        assertEquals(1, requests.depth().inFlight());
    }

    @Test
    void duplicatesAreDeletedInTheSameCall() {
        BundleRun run = claimedRun("j:0:1", 1);
        requests.send(List.of("dup"));
        Message dup = requests.receive(1, Duration.ZERO, Duration.ofSeconds(30)).get(0);
        settle(settler, List.of(Finished.duplicate(dup), Finished.skipped(run)));
        assertEquals(0, requests.depth().inFlight() + requests.depth().visible());
    }

    @Test
    void aCompletionThatFailsKeepsTheBundleHeldUntilItCanBeMarkedDone() throws Exception {
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(1);
        ClaimStore flaky = (ClaimStore) java.lang.reflect.Proxy.newProxyInstance(ClaimStore.class.getClassLoader(),
                new Class<?>[] {ClaimStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("complete") && failures.getAndDecrement() > 0) {
                        throw new dev.drover.core.InfrastructureException("DynamoDB", "SdkClientException", null,
                                dev.drover.core.InfrastructureException.Kind.TRANSIENT, "connection refused", null);
                    }
                    return method.invoke(claims, args);
                });
        Settler settler = new Settler(config, requests, flaky, clock, held, counters);
        BundleRun run = claimedRun("j:0:1", 1);
        settle(settler, List.of(Finished.result(run, result(0))));
        assertTrue(held.holds(run), "still held: renewed, so no other worker re-runs its reported task");
        assertEquals(1, requests.depth().inFlight(), "its message is not deleted");
        Thread.sleep(1100);
        settler.settleSent();
        assertFalse(held.holds(run));
        assertEquals(0, requests.depth().inFlight() + requests.depth().visible());
        assertInstanceOf(ClaimOutcome.Done.class, claims.claim("j:0:1", "other", clock.instant(), Duration.ofSeconds(30)));
    }
}
