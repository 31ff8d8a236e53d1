package dev.drover.core.port;

import java.time.Duration;
import java.util.List;

/**
 * A queue with SQS semantics: at-least-once delivery, a visibility timeout that hides a received
 * message until it is deleted or the timeout lapses, a receive count, and at most
 * {@link #MAX_BATCH} messages per call. Carries task bundles to workers and results back.
 */
public interface MessageQueue {
    int MAX_BATCH = 10;

    /** Sends the bodies, in calls of at most {@link #MAX_BATCH}. */
    void send(List<String> bodies);

    /**
     * Receives up to {@code max} (at most {@link #MAX_BATCH}) messages, waiting up to {@code wait}
     * for the first one, and hides them for {@code visibility}.
     */
    List<Message> receive(int max, Duration wait, Duration visibility);

    /**
     * Receives as {@link #receive} does, but leaves the bodies as they travel (compressed, offloaded):
     * a consumer that reads a plain header first ({@link dev.drover.core.codec.Route}) restores only the
     * messages it keeps, with {@link #restore}, and spends nothing on those it leaves to another.
     */
    default List<Message> receiveRaw(int max, Duration wait, Duration visibility) {
        return receive(max, wait, visibility);
    }

    /** A message from {@link #receiveRaw} as {@link #receive} would have given it (a restored one stays as it is). */
    default Message restore(Message raw) {
        return raw;
    }

    /** Deletes the messages, in calls of at most {@link #MAX_BATCH}. */
    void delete(List<Message> messages);

    /** Sets the messages' remaining visibility timeout; zero makes them visible at once. */
    void changeVisibility(List<Message> messages, Duration visibility);

    /** Approximate counts, as SQS reports them. */
    QueueDepth depth();

    /** Largest body this queue takes, in UTF-8 bytes. */
    int maxMessageBytes();

    record QueueDepth(long visible, long inFlight) {}
}
