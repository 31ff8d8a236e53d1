package dev.drover.core.queue;

import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Duration;
import java.util.List;

/**
 * Passes every call to another queue; decorators override what they change. {@link #receiveRaw} is not
 * passed on but goes through {@link #receive}, so a decorator that changes receiving alone still sees
 * every receive: only those that encode bodies (compression, offloading) pass it on.
 */
public abstract class ForwardingMessageQueue implements MessageQueue {
    protected final MessageQueue queue;

    protected ForwardingMessageQueue(MessageQueue queue) {
        this.queue = queue;
    }

    @Override
    public void send(List<String> bodies) {
        queue.send(bodies);
    }

    @Override
    public List<Message> receive(int max, Duration wait, Duration visibility) {
        return queue.receive(max, wait, visibility);
    }

    @Override
    public Message restore(Message raw) {
        return queue.restore(raw);
    }

    @Override
    public void delete(List<Message> messages) {
        queue.delete(messages);
    }

    @Override
    public void changeVisibility(List<Message> messages, Duration visibility) {
        queue.changeVisibility(messages, visibility);
    }

    @Override
    public QueueDepth depth() {
        return queue.depth();
    }

    @Override
    public int maxMessageBytes() {
        return queue.maxMessageBytes();
    }
}
