package dev.drover.scheduler.collect;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.codec.Route;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.job.ResultRecorder;
import dev.drover.scheduler.model.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The owner's end of {@link PassOn#forward}: result messages another replica received for this replica's
 * jobs, taken as this replica's own collectors take them off the queue. Each is restored through the same
 * queue (an offloaded body is fetched here), decoded, proved by the same {@link ResultGate} and recorded
 * by the same sink; the other jobs' part of a mixed message is sent back to the queue first, as a collector
 * does. The sender deletes a message only once this has answered that it recorded it.
 */
public final class HandIn {
    private final MessageQueue queue;
    private final Backend backend;
    private final ResultGate gate;
    private final ResultCollector.Sink sink;
    private final PassOn passOn;

    HandIn(Backend backend, ResultGate gate, ResultCollector.Sink sink, PassOn passOn) {
        this.queue = backend.responses();
        this.backend = backend;
        this.gate = gate;
        this.sink = sink;
        this.passOn = passOn;
    }

    /** A message decoded, with what restoring it cost (an offloaded body's fetch). */
    private record Decoded(Message message, ResultBatch batch, Usage cost) {}

    /**
     * Records the messages, as they travelled, that hold results or starts of this replica's jobs; answers
     * the ids of those recorded (empty: it holds none of their jobs now).
     *
     * @throws IllegalArgumentException if one of them is not a result message; then none is recorded
     */
    public List<String> take(List<Message> messages) {
        List<Decoded> decoded = new ArrayList<>(messages.size());
        for (Message raw : messages) {
            Optional<Route> route = Route.read(raw.body());
            if (route.isPresent() && !passOn.decodes(route.get())) {
                continue; // not this replica's (any more): not fetched, inflated or parsed
            }
            AtomicReference<Usage> cost = new AtomicReference<>(Usage.ZERO);
            Message m = backend.meter().charge(u -> cost.accumulateAndGet(u, Usage::plus), () -> queue.restore(raw));
            decoded.add(new Decoded(m, gate.admit(Json.receivedBatch(m.body())), cost.get()));
        }
        List<Decoded> mine = new ArrayList<>(decoded.size());
        List<PassOn.Split> splits = new ArrayList<>(decoded.size());
        List<ResultRecorder.Incoming> incoming = new ArrayList<>(decoded.size());
        for (Decoded d : decoded) {
            PassOn.Split split = passOn.split(d.batch());
            if (split.mine() != null) {
                mine.add(d);
                splits.add(split);
                incoming.add(new ResultRecorder.Incoming(d.message().id(), split.mine()));
            }
        }
        List<Optional<Consumer<Usage>>> charges = incoming.isEmpty() ? List.of() : sink.accept(incoming);
        List<String> recorded = new ArrayList<>(mine.size());
        for (int i = 0; i < mine.size(); i++) {
            Decoded d = mine.get(i);
            if (charges.get(i).isPresent()) {
                if (splits.get(i).others() != null) {
                    passOn.othersOf(d.message().id(), splits.get(i).others()); // sent before the sender deletes the original
                }
                charges.get(i).get().accept(d.cost());
                recorded.add(d.message().id());
            }
        }
        return recorded;
    }
}
