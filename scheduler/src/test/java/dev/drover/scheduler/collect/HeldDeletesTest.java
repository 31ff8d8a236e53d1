package dev.drover.scheduler.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.queue.ForwardingMessageQueue;
import dev.drover.core.testing.MutableClock;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.Backend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A result message arrives alone in most receives: the recorded messages of a few receives are deleted
 * in one call, never before they are recorded, and not held past the hold.
 */
class HeldDeletesTest {
    static final String BODY = Json.write(new ResultBatch("w-1", "j-1", Usage.ZERO, 0, List.of()));

    /** Counts delete calls and what they deleted. */
    static final class CountingQueue extends ForwardingMessageQueue {
        final List<List<String>> deletes = new CopyOnWriteArrayList<>();

        CountingQueue(MessageQueue queue) {
            super(queue);
        }

        @Override
        public void delete(List<Message> messages) {
            deletes.add(messages.stream().map(Message::id).toList());
            super.delete(messages);
        }
    }

    @Test
    void messagesOfTwoReceivesAreDeletedInOneCall() throws Exception {
        Clock clock = Clock.systemUTC();
        CountingQueue responses = new CountingQueue(new InMemoryMessageQueue(clock));
        Backend backend = new Backend(new InMemoryMessageQueue(clock), responses, Optional.empty(), new InMemoryClaimStore(),
                new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        AtomicInteger recorded = new AtomicInteger();
        ResultCollector.Sink sink = batches -> {
            if (recorded.incrementAndGet() == 1) {
                responses.send(List.of(BODY)); // the next message comes while the first is recorded
            }
            return batches.stream().<Optional<Consumer<Usage>>>map(b -> Optional.of(u -> { })).toList();
        };
        ResultCollector collector = ResultCollector.responses(backend, sink, new ResultGate(new BundleProofs(new byte[32]), j -> true),
                new PassOn(responses, j -> true, () -> false, () -> AcrossReplicas.NONE, clock), clock);
        responses.send(List.of(BODY));
        Thread thread = new Thread(collector, "held-deletes-test");
        thread.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (responses.deletes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            collector.stop();
            thread.join();
        }
        assertEquals(2, recorded.get());
        assertEquals(1, responses.deletes.size(), "one delete call: " + responses.deletes);
        assertEquals(2, responses.deletes.get(0).size());
        assertEquals(0, responses.depth().visible() + responses.depth().inFlight());
    }

    @Test
    void dueAtACallsWorthOrOnceTheFirstWasHeldLongEnough() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
        HeldDeletes held = new HeldDeletes(clock, Duration.ofSeconds(1));
        held.add(List.of(message(0)), u -> { });
        assertFalse(held.due());
        clock.advance(Duration.ofMillis(999));
        held.add(List.of(message(1)), u -> { });
        assertFalse(held.due());
        clock.advance(Duration.ofMillis(1));
        assertTrue(held.due(), "the first has waited the hold");
        assertEquals(List.of("m0", "m1"), held.take().stream().map(Message::id).toList());
        assertTrue(held.isEmpty());
        assertFalse(held.due());
        for (int i = 0; i < MessageQueue.MAX_BATCH; i++) {
            assertFalse(held.due());
            held.add(List.of(message(i)), u -> { });
        }
        assertTrue(held.due(), "a whole call's worth");
        assertTrue(held.take().stream().allMatch(m -> m.body().isEmpty()), "bodies are not held");
    }

    static Message message(int i) {
        return new Message("m" + i, "r" + i, BODY, 1);
    }
}
