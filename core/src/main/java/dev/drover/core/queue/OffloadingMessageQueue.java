package dev.drover.core.queue;

import dev.drover.core.codec.Route;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Lets any body through a size-limited queue: a body over the limit is stored in the payload
 * store and travels as a small reference, which receivers swap back transparently.
 * Stored payloads are left to the bucket's lifecycle rule rather than deleted one by one. A result
 * message's {@link Route} header stays in the queue, in front of the reference, so a consumer can route
 * it by {@link #receiveRaw} without fetching it.
 */
public final class OffloadingMessageQueue extends BodyCodingQueue {
    static final String REF_PREFIX = "{\"payloadRef\":\"";
    /** Offloaded bodies are bundles and result batches of a few hundred KiB: anything far larger is refused unread. */
    static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private final PayloadStore store;

    public OffloadingMessageQueue(MessageQueue queue, PayloadStore store) {
        super(queue);
        this.store = store;
    }

    @Override
    public void send(List<String> bodies) {
        queue.send(bodies.stream().map(this::offloadIfLarge).toList());
    }

    private String offloadIfLarge(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= queue.maxMessageBytes()) {
            return body;
        }
        int header = Route.end(body);
        String key = PayloadStore.PAYLOADS_PREFIX + UUID.randomUUID();
        store.put(key, header == 0 ? bytes : body.substring(header).getBytes(StandardCharsets.UTF_8));
        return body.substring(0, header) + REF_PREFIX + key + "\"}";
    }

    @Override
    Message decoded(Message m) {
        String body = m.body();
        int header = Route.end(body);
        if (!body.startsWith(REF_PREFIX, header)) {
            return m;
        }
        int from = header + REF_PREFIX.length();
        String key = body.substring(from, Math.max(from, body.length() - 2));
        if (!key.startsWith(PayloadStore.PAYLOADS_PREFIX) || key.contains("..")) {
            return m; // not a reference this queue made: the consumer rejects it as unreadable
        }
        try (InputStream in = store.open(key)) {
            byte[] bytes = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
            if (bytes.length > MAX_PAYLOAD_BYTES) {
                return m;
            }
            return new Message(m.id(), m.receipt(), body.substring(0, header) + new String(bytes, StandardCharsets.UTF_8),
                    m.receiveCount());
        } catch (IOException e) {
            throw new UncheckedIOException("reading offloaded body " + key, e);
        }
    }

    /** Any size goes: large bodies are offloaded. */
    @Override
    public int maxMessageBytes() {
        return Integer.MAX_VALUE;
    }
}
