package dev.drover.scheduler.forward;

import dev.drover.core.port.Message;
import java.util.List;

/**
 * The body of {@code POST /replica/results}: result messages a replica's collector received for another
 * replica's jobs, each as it travelled on the response queue (route header, compressed or offloaded body),
 * under its queue id, which the owner records it by.
 */
public record HandOver(List<Item> messages) {
    /** Messages one request may carry: one receive's worth. */
    public static final int MAX_MESSAGES = 10;

    public record Item(String id, String body) {}

    /** The owner's answer: the ids of the messages it recorded, which the sender may delete. */
    public record Recorded(List<String> recorded) {}

    public static HandOver of(List<Message> messages) {
        return new HandOver(messages.stream().map(m -> new Item(m.id(), m.body())).toList());
    }

    /** The items as messages received once, for the owner's collector path; IllegalArgumentException if one is incomplete. */
    public List<Message> received() {
        if (messages == null || messages.isEmpty() || messages.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException("from 1 to " + MAX_MESSAGES + " messages are handed over at once");
        }
        return messages.stream().map(i -> {
            if (i == null || i.id() == null || i.id().isEmpty() || i.body() == null) {
                throw new IllegalArgumentException("each message has an id and a body");
            }
            return new Message(i.id(), null, i.body(), 1);
        }).toList();
    }
}
