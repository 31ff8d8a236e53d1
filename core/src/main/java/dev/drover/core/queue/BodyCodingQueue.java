package dev.drover.core.queue;

import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Duration;
import java.util.List;

/**
 * A decorator that changes bodies on their way to the queue and back (compression, offloading): a plain
 * receive gives them decoded; {@link #receiveRaw} gives them as they travel, so a consumer that routes by
 * a plain header decodes, with {@link #restore}, only the messages it keeps.
 */
abstract class BodyCodingQueue extends ForwardingMessageQueue {
    BodyCodingQueue(MessageQueue queue) {
        super(queue);
    }

    /** The message with its body as it was sent (unchanged if it was sent as it is). */
    abstract Message decoded(Message m);

    @Override
    public final List<Message> receive(int max, Duration wait, Duration visibility) {
        return queue.receive(max, wait, visibility).stream().map(this::decoded).toList();
    }

    @Override
    public final List<Message> receiveRaw(int max, Duration wait, Duration visibility) {
        return queue.receiveRaw(max, wait, visibility);
    }

    @Override
    public final Message restore(Message raw) {
        return decoded(queue.restore(raw));
    }
}
