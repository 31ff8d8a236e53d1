package dev.drover.scheduler.collect;

import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.Backend;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A scheduler's result collectors: {@code threads} on the response queue, sharing one {@link PassOn} for
 * other replicas' jobs, and one on the dead-letter queue if the stack has one; and the {@link HandIn}
 * through which other replicas hand this one its jobs' result messages.
 */
public final class Collectors {
    private final List<ResultCollector> all = new ArrayList<>();
    private final ResultGate gate;
    private final PassOn passOn;
    private final HandIn handIn;

    /**
     * @param knownJob whether this scheduler holds a job
     * @param replicas whether it is one replica of several (read at each use)
     * @param across   what the other replicas hold (read at each use)
     */
    public Collectors(int threads, Backend backend, ResultCollector.Sink sink, ResultGate gate, Isolation isolation,
                      Predicate<String> knownJob, BooleanSupplier replicas, Supplier<AcrossReplicas> across, Clock clock) {
        this.gate = gate;
        this.passOn = new PassOn(backend.responses(), knownJob, replicas, across, clock);
        this.handIn = new HandIn(backend, gate, sink, passOn);
        for (int i = 0; i < threads; i++) {
            all.add(ResultCollector.responses(backend, sink, gate, passOn, clock));
        }
        backend.deadLetters().ifPresent(dlq -> all.add(ResultCollector.deadLetters(dlq, backend, sink, clock, isolation)));
    }

    /**
     * Makes this replica hand the result messages of another live replica's jobs to it over {@code link},
     * instead of hiding them a second for its collectors.
     */
    public void forwardTo(PassOn.Link link) {
        passOn.forwardTo(link);
    }

    /** Where another replica hands this one the result messages of its jobs. */
    public HandIn handIn() {
        return handIn;
    }

    /** Results and starts the gate dropped because no bundle seal of this scheduler proves them. */
    public long unprovenDropped() {
        return gate.dropped();
    }

    /** Every collector, for the scheduler's threads to run. */
    public List<ResultCollector> all() {
        return List.copyOf(all);
    }
}
