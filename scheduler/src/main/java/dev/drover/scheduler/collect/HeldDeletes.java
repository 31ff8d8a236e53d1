package dev.drover.scheduler.collect;

import dev.drover.core.Usage;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A collector's recorded messages waiting for their delete, so that the messages of several receives go in
 * one delete call: a receive returns as soon as one message is there, so while results trickle in each
 * receive brings one message, and deleting it at once costs a call a message. A message is held only once
 * it is recorded, for at most {@code hold} (far inside its visibility timeout): should the scheduler die
 * meanwhile, it comes back and is recorded again, idempotently, as after a failed delete.
 */
final class HeldDeletes {
    private final Clock clock;
    private final Duration hold;
    private final List<Message> held = new ArrayList<>();
    /** Where the held deletes' call is charged: as the first held message's receive. */
    private Consumer<Usage> charge = u -> { };
    private long since;

    HeldDeletes(Clock clock, Duration hold) {
        this.clock = clock;
        this.hold = hold;
    }

    /** Holds the deletes of these recorded messages (only their ids and receipts: not their bodies). */
    void add(List<Message> recorded, Consumer<Usage> chargeTo) {
        if (recorded.isEmpty()) {
            return;
        }
        if (held.isEmpty()) {
            since = clock.millis();
            charge = chargeTo;
        }
        recorded.forEach(m -> held.add(new Message(m.id(), m.receipt(), "", m.receiveCount())));
    }

    /** Whether the held deletes should go now: a whole call's worth, or the first held for {@code hold}. */
    boolean due() {
        return held.size() >= MessageQueue.MAX_BATCH || (!held.isEmpty() && clock.millis() - since >= hold.toMillis());
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** The charge of the held deletes' call. */
    Consumer<Usage> charge() {
        return charge;
    }

    /** The held messages, no longer held: a failed delete leaves them to come back, as any undeleted message. */
    List<Message> take() {
        List<Message> out = List.copyOf(held);
        held.clear();
        charge = u -> { };
        return out;
    }
}
