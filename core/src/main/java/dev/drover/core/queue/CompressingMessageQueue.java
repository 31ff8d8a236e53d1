package dev.drover.core.queue;

import dev.drover.core.codec.Route;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Sends bodies of a kilobyte or more compressed (deflate, then base64 behind a marker), and
 * restores them on receipt. Bundles and result batches are repetitive JSON and shrink five- to
 * tenfold, which cuts the work of every hop per byte (SDK marshalling, the SigV4 payload hash,
 * the queue's own validation and storage) and SQS's billing, which counts each 64 KiB of a body.
 * Bodies without the marker pass through untouched, so plain JSON stays readable; a corrupt
 * compressed body is passed on as it came, for the consumer to reject as unreadable. A body with
 * characters SQS refuses (U+FFFE, U+FFFF) travels compressed whatever its size, so any workload
 * line the reader accepts can be queued. A result message's {@link Route} header stays plain in front
 * of the compressed rest, so a consumer can route it by {@link #receiveRaw} before inflating it.
 */
public final class CompressingMessageQueue extends BodyCodingQueue {
    static final String MARKER = "deflate:";
    static final int MIN_BYTES = 1024;
    /** No legitimate body comes near this (bundles are cut at 256 KiB, result batches at 1 MiB): a bomb is refused. */
    static final int MAX_INFLATED_BYTES = 16 * 1024 * 1024;
    /** A thread keeps an inflation buffer up to this size: a result message (cut at 1 MiB) or a bundle fits. */
    private static final int KEPT_BYTES = 2 * 1024 * 1024;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[0]);

    public CompressingMessageQueue(MessageQueue queue) {
        super(queue);
    }

    /** Drover's stack for a cloud queue: compression, then offloading of whatever is still too large. */
    public static MessageQueue overCloudQueue(MessageQueue queue, PayloadStore payloads) {
        return new CompressingMessageQueue(new OffloadingMessageQueue(queue, payloads));
    }

    @Override
    public void send(List<String> bodies) {
        queue.send(bodies.stream().map(CompressingMessageQueue::compress).toList());
    }

    @Override
    Message decoded(Message m) {
        int header = Route.end(m.body());
        if (!m.body().startsWith(MARKER, header)) {
            return m;
        }
        try {
            return new Message(m.id(), m.receipt(), decompress(m.body(), header), m.receiveCount());
        } catch (IllegalArgumentException e) {
            return m;
        }
    }

    static String compress(String body) {
        int header = Route.end(body);
        String rest = header == 0 ? body : body.substring(header);
        if (header > 0 && rest.startsWith(MARKER)) {
            return body; // a routed body sent back as it came, unread: compressed already
        }
        if (rest.length() < MIN_BYTES && SqsText.carries(rest)) {
            return body;
        }
        byte[] raw = rest.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw);
            deflater.finish();
            // straight into an array of a fifth of the input (results deflate to a tenth or less), grown if need be: a
            // 16 KiB buffer and a stream a message were most of what a worker's publisher allocated
            byte[] out = new byte[raw.length / 5 + 64];
            int size = 0;
            while (!deflater.finished()) {
                if (size == out.length) {
                    out = Arrays.copyOf(out, 2 * out.length);
                }
                size += deflater.deflate(out, size, out.length - size);
            }
            return body.substring(0, header) + MARKER + Base64.getEncoder().encodeToString(Arrays.copyOf(out, size));
        } finally {
            deflater.end();
        }
    }

    /**
     * The body with what follows its header ({@code body} from {@code header} on: the marker, then the compressed
     * rest) inflated. The header's bytes and the inflated ones go into this thread's buffer, so the text is copied
     * once, into the string: a buffer grown from a guess and the header joined on afterwards copied a message of up
     * to a megabyte two to four times more, most of what the collector allocated.
     *
     * @throws IllegalArgumentException if the rest is not a compressed body whole
     */
    static String decompress(String body, int header) {
        byte[] packed = Base64.getDecoder().decode(body.substring(header + MARKER.length()));
        byte[] head = body.substring(0, header).getBytes(StandardCharsets.UTF_8);
        int limit = head.length + MAX_INFLATED_BYTES;
        // at least 16 times the deflated bytes (deflated result JSON is 15-40 times smaller), grown if need be
        long guess = Math.min(limit, head.length + packed.length * 16L + 1024);
        byte[] out = BUFFER.get();
        if (out.length < guess) {
            out = new byte[(int) guess];
        }
        System.arraycopy(head, 0, out, 0, head.length);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(packed);
            int size = head.length;
            while (!inflater.finished()) {
                if (size == out.length) {
                    if (size >= limit) {
                        throw new IllegalArgumentException("compressed message body inflates past " + MAX_INFLATED_BYTES + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(limit, 2L * size));
                }
                int n = inflater.inflate(out, size, out.length - size);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("truncated compressed message body");
                }
                size += n;
            }
            return new String(out, 0, size, StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt compressed message body", e);
        } finally {
            inflater.end();
            if (out.length <= KEPT_BYTES) {
                BUFFER.set(out);
            }
        }
    }
}
