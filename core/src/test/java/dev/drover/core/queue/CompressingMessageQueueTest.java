package dev.drover.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Route;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressingMessageQueueTest {
    private final InMemoryMessageQueue wire = new InMemoryMessageQueue(Clock.systemUTC());
    private final MessageQueue queue = new CompressingMessageQueue(wire);

    private static String bundleLikeJson(int tasks) {
        StringBuilder sb = new StringBuilder("{\"bundleId\":\"j1:0\",\"tasks\":[");
        for (int i = 0; i < tasks; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"seq\":").append(i).append(",\"line\":").append(i + 1)
                    .append(",\"command\":\"sleep 10\",\"timeoutMs\":0,\"attempt\":1,\"maxAttempts\":1}");
        }
        return sb.append("]}").toString();
    }

    private List<Message> receiveAll(MessageQueue q) {
        return q.receive(10, Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    @Test
    void largeBodiesTravelCompressedAndComeBackWhole() {
        String body = bundleLikeJson(2000) + " \u00e9\u4e2d\ud83d\ude00"; // multi-byte characters survive
        queue.send(List.of(body));
        Message onWire = wire.receive(10, Duration.ofMillis(100), Duration.ZERO).get(0);
        assertTrue(onWire.body().startsWith(CompressingMessageQueue.MARKER));
        assertTrue(onWire.body().length() * 5 < body.length(), "compressed " + body.length() + " to " + onWire.body().length());
        assertEquals(body, receiveAll(queue).get(0).body());
    }

    @Test
    void bodiesOfAnyRatioComeBackWholeWhereverTheInflatedSizeFallsAgainstTheFirstGuess() {
        // ratios above and below the first guess of the inflated size, and sizes around its growth steps
        for (String body : List.of("x".repeat(1_000_000), "x".repeat(65_536) + "\u00e9", bundleLikeJson(30),
                new java.util.Random(7).ints(200_000, 32, 0x2fff).collect(StringBuilder::new,
                        StringBuilder::appendCodePoint, StringBuilder::append).toString())) {
            String packed = CompressingMessageQueue.compress(body);
            assertTrue(packed.startsWith(CompressingMessageQueue.MARKER));
            assertEquals(body, CompressingMessageQueue.decompress(packed, 0));
        }
    }

    @Test
    void smallBodiesPassUntouched() {
        queue.send(List.of("{\"small\":true}"));
        assertEquals("{\"small\":true}", receiveAll(wire).get(0).body());
    }

    @Test
    void aCorruptCompressedBodyIsPassedOnAsItCameForTheConsumerToReject() {
        wire.send(List.of(CompressingMessageQueue.MARKER + "not base64 !", CompressingMessageQueue.MARKER + "AAAA"));
        List<Message> got = receiveAll(queue);
        assertEquals(2, got.size());
        assertTrue(got.stream().allMatch(m -> m.body().startsWith(CompressingMessageQueue.MARKER)));
    }

    @Test
    void whatIsStillTooLargeAfterCompressionGoesToThePayloadStore() {
        InMemoryMessageQueue small = new InMemoryMessageQueue(Clock.systemUTC(), 4096, 5, null);
        InMemoryPayloadStore store = new InMemoryPayloadStore();
        MessageQueue stacked = CompressingMessageQueue.overCloudQueue(small, store);
        byte[] noise = new byte[20_000];
        new Random(7).nextBytes(noise);
        String incompressible = java.util.Base64.getEncoder().encodeToString(noise);
        String compressible = bundleLikeJson(300);
        stacked.send(List.of(incompressible, compressible));
        List<Message> got = receiveAll(stacked);
        assertEquals(List.of(incompressible, compressible).stream().sorted().toList(),
                got.stream().map(Message::body).sorted().toList());
    }

    @Test
    void aSmallBodyWithCharactersSqsRefusesTravelsCompressed() {
        String body = "{\"command\":\"echo \uffff\"}";
        assertFalse(SqsText.carries(body));
        queue.send(List.of(body, "{\"command\":\"echo ok \ud83d\ude00\"}"));
        List<Message> onWire = wire.receive(10, Duration.ofMillis(100), Duration.ZERO);
        assertTrue(onWire.stream().allMatch(m -> SqsText.carries(m.body())), "everything on the wire is SQS text");
        assertEquals(1, onWire.stream().filter(m -> m.body().startsWith(CompressingMessageQueue.MARKER)).count());
        assertEquals(java.util.Set.of(body, "{\"command\":\"echo ok \ud83d\ude00\"}"),
                receiveAll(queue).stream().map(Message::body).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void sqsTextIsSqsDocumentedCharacterSet() {
        assertTrue(SqsText.carries("tab\tnl\ncr\r \u00e9 \ud7ff \ue000 \ufffd \ud83d\ude00"));
        assertFalse(SqsText.carries("\u0001"));
        assertFalse(SqsText.carries("\ufffe"));
        assertFalse(SqsText.carries("lone \ud83d high"));
        assertFalse(SqsText.carries("lone \ude00 low"));
    }

    @Test
    void aBodyThatInflatesPastTheLimitIsRefusedNotInflated() {
        String bomb = CompressingMessageQueue.compress("x".repeat(CompressingMessageQueue.MAX_INFLATED_BYTES + 1024));
        assertThrows(IllegalArgumentException.class, () -> CompressingMessageQueue.decompress(bomb, 0));
    }

    @Test
    void aRouteHeaderStaysPlainBeforeTheCompressedOrOffloadedRestAndARawBodySentBackComesBackWhole() {
        InMemoryMessageQueue small = new InMemoryMessageQueue(Clock.systemUTC(), 4096, 5, null);
        MessageQueue stacked = CompressingMessageQueue.overCloudQueue(small, new InMemoryPayloadStore());
        Route route = new Route(List.of("j-1", "j-2"), 42);
        byte[] noise = new byte[20_000];
        new Random(7).nextBytes(noise);
        List<String> bodies = List.of(route.header() + bundleLikeJson(300),
                route.header() + java.util.Base64.getEncoder().encodeToString(noise), route.header() + "{\"small\":true}");
        stacked.send(bodies);
        List<Message> raw = stacked.receiveRaw(10, Duration.ofMillis(100), Duration.ofSeconds(30));
        assertEquals(3, raw.size());
        for (Message m : raw) {
            assertEquals(Optional.of(route), Route.read(m.body()), "the route reads without restoring the body");
        }
        assertEquals(2, raw.stream().map(m -> m.body().substring(Route.end(m.body())))
                .filter(rest -> rest.startsWith(CompressingMessageQueue.MARKER) || rest.startsWith(OffloadingMessageQueue.REF_PREFIX))
                .count(), "the large bodies travel compressed or offloaded behind it");
        assertEquals(bodies.stream().sorted().toList(), raw.stream().map(stacked::restore).map(Message::body).sorted().toList());
        small.delete(raw);
        stacked.send(raw.stream().map(Message::body).toList()); // as a replica renews another's message, unread
        assertEquals(bodies.stream().sorted().toList(), receiveAll(stacked).stream().map(Message::body).sorted().toList(),
                "not compressed twice");
    }
}
