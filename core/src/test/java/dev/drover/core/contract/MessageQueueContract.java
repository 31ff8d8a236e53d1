package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageQueue} adapter must do, run against the in-memory queue and against
 * SQS on the emulator alike, so the in-memory queue cannot drift from SQS.
 */
public abstract class MessageQueueContract {
    /** A new, empty queue whose messages may be received at most {@code maxReceives} times before dead-lettering. */
    protected abstract MessageQueue newQueue();

    private static final Duration SHORT = Duration.ofMillis(200);
    /** SQS's limit on one body; a queue stack that offloads to S3 takes more. */
    protected static final int SQS_MAX_BODY_BYTES = 256 * 1024;

    /** JSON as repetitive as a bundle of short tasks: deflate shrinks it many times over. */
    protected static String bundleLikeJson(int tasks) {
        StringBuilder sb = new StringBuilder("{\"bundleId\":\"j1:0\",\"tasks\":[");
        for (int i = 0; i < tasks; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"seq\":").append(i).append(",\"line\":").append(i + 1)
                    .append(",\"command\":\"sleep 10\",\"timeoutMs\":0,\"attempt\":1,\"maxAttempts\":1}");
        }
        return sb.append("]}").toString();
    }

    /** Base64 of random bytes: deflate cannot shrink it below its information content (3/4 of its length). */
    protected static String incompressible(int chars, long seed) {
        byte[] noise = new byte[chars * 3 / 4];
        new Random(seed).nextBytes(noise);
        return Base64.getEncoder().encodeToString(noise);
    }

    private static List<Message> drain(MessageQueue q, int expected, Duration visibility) {
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 50 && all.size() < expected; i++) {
            all.addAll(q.receive(10, SHORT, visibility));
        }
        return all;
    }

    @Test
    void sendsAndReceivesAtMostTenPerCall() {
        MessageQueue q = newQueue();
        q.send(IntStream.range(0, 25).mapToObj(i -> "m" + i).toList());
        List<Message> first = q.receive(10, SHORT, Duration.ofSeconds(30));
        assertTrue(first.size() <= 10 && !first.isEmpty(), "got " + first.size());
        List<Message> all = new ArrayList<>(first);
        all.addAll(drain(q, 25 - first.size(), Duration.ofSeconds(30)));
        Set<String> bodies = new HashSet<>();
        all.forEach(m -> bodies.add(m.body()));
        assertEquals(25, bodies.size());
        all.forEach(m -> assertEquals(1, m.receiveCount()));
    }

    @Test
    void aReceivedMessageIsHiddenUntilItsVisibilityLapses() throws InterruptedException {
        MessageQueue q = newQueue();
        q.send(List.of("hello"));
        Message m = drain(q, 1, Duration.ofSeconds(1)).get(0);
        assertTrue(q.receive(10, Duration.ZERO, Duration.ofSeconds(1)).isEmpty(), "hidden while in flight");
        Thread.sleep(1500);
        Message again = drain(q, 1, Duration.ofSeconds(30)).get(0);
        assertEquals("hello", again.body());
        assertEquals(m.id(), again.id());
        assertEquals(2, again.receiveCount());
    }

    @Test
    void deletedMessagesNeverComeBack() throws InterruptedException {
        MessageQueue q = newQueue();
        q.send(List.of("a", "b"));
        List<Message> got = drain(q, 2, Duration.ofSeconds(1));
        q.delete(got);
        Thread.sleep(1500);
        assertTrue(q.receive(10, SHORT, Duration.ofSeconds(1)).isEmpty());
    }

    @Test
    void changingVisibilityToZeroHandsAMessageBackAtOnce() {
        MessageQueue q = newQueue();
        q.send(List.of("x"));
        Message m = drain(q, 1, Duration.ofSeconds(30)).get(0);
        q.changeVisibility(List.of(m), Duration.ZERO);
        Message again = drain(q, 1, Duration.ofSeconds(30)).get(0);
        assertEquals("x", again.body());
        assertEquals(2, again.receiveCount());
    }

    @Test
    void extendingVisibilityKeepsAMessageHidden() throws InterruptedException {
        MessageQueue q = newQueue();
        q.send(List.of("long"));
        Message m = drain(q, 1, Duration.ofSeconds(1)).get(0);
        q.changeVisibility(List.of(m), Duration.ofSeconds(30));
        Thread.sleep(1500);
        assertTrue(q.receive(10, SHORT, Duration.ofSeconds(1)).isEmpty(), "extended message stays hidden");
    }

    @Test
    void longPollReturnsAsSoonAsAMessageArrives() throws Exception {
        MessageQueue q = newQueue();
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            q.send(List.of("late"));
        });
        sender.start();
        long t0 = System.nanoTime();
        List<Message> got = q.receive(10, Duration.ofSeconds(5), Duration.ofSeconds(30));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        sender.join();
        assertEquals(List.of("late"), got.stream().map(Message::body).toList());
        assertTrue(ms < 4000, "long poll returned after " + ms + " ms");
    }

    @Test
    void carriesLargeAndUnicodeBodiesIntact() {
        MessageQueue q = newQueue();
        String big = "é€😀 ".repeat(10_000);
        q.send(List.of(big));
        assertEquals(big, drain(q, 1, Duration.ofSeconds(30)).get(0).body());
    }

    @Test
    void carriesACompressibleBundleAndASmallBodyIntact() {
        MessageQueue q = newQueue();
        String bundle = bundleLikeJson(1500) + " é€😀"; // about 130 KB, under SQS's limit as it is
        assertTrue(bundle.length() > 100_000 && bundle.length() < SQS_MAX_BODY_BYTES);
        q.send(List.of(bundle, "{\"small\":true}"));
        List<String> got = drain(q, 2, Duration.ofSeconds(30)).stream().map(Message::body).sorted().toList();
        assertEquals(List.of(bundle, "{\"small\":true}").stream().sorted().toList(), got);
    }

    /** Only for queues that take bodies over SQS's limit (the production stack, which offloads them). */
    @Test
    void carriesAnIncompressibleBodyOverTheSqsLimitWhereTheQueueTakesOne() {
        MessageQueue q = newQueue();
        assumeTrue(q.maxMessageBytes() > SQS_MAX_BODY_BYTES, "this queue takes at most " + q.maxMessageBytes() + " bytes");
        String big = incompressible(SQS_MAX_BODY_BYTES + 40_000, 11);
        String compressible = bundleLikeJson(5000); // over the limit raw, well under it compressed
        assertTrue(compressible.length() > SQS_MAX_BODY_BYTES);
        q.send(List.of(big, compressible, "small"));
        List<Message> got = drain(q, 3, Duration.ofSeconds(30));
        assertEquals(List.of(big, compressible, "small").stream().sorted().toList(),
                got.stream().map(Message::body).sorted().toList());
        got.forEach(m -> assertEquals(1, m.receiveCount()));
    }

    @Test
    void reportsDepth() {
        MessageQueue q = newQueue();
        q.send(List.of("1", "2", "3"));
        drain(q, 1, Duration.ofSeconds(30));
        MessageQueue.QueueDepth d = q.depth();
        assertEquals(3, d.visible() + d.inFlight());
    }
}
