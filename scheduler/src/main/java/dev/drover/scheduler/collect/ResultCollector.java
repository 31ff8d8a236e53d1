package dev.drover.scheduler.collect;

import dev.drover.core.RetryPolicy;
import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.codec.Route;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.job.ResultRecorder;
import dev.drover.scheduler.model.Backend;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes result messages off the response queue, records them (idempotently) and only then deletes
 * the messages, so a crash between the two repeats a result instead of losing it; the deletes of a few
 * receives go in one call ({@link HeldDeletes}). The same loop,
 * pointed at the dead-letter queue, reports the tasks of a bundle that kept killing its workers
 * as FAILED. Messages come as they travel ({@link MessageQueue#receiveRaw}): a result message whose
 * route names none of this scheduler's jobs is passed on without being inflated, fetched, parsed or proved.
 */
public final class ResultCollector implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ResultCollector.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    /** Handling a receive takes milliseconds; a collector that died holding messages gives them back this soon. */
    private static final Duration VISIBILITY = Duration.ofSeconds(15);
    /**
     * A batch of a job no live replica owns is left for its next owner: hidden briefly, so this one does not
     * spin on it. Short, as scheduler replicas share the response queue: a replica that has just taken a
     * dead one's job gets back, within this, the results it turned away a moment before. (A live owner's
     * batch is handed to it over HTTP, and hidden so only if that fails: {@link PassOn#forward}.)
     */
    private static final Duration NOT_MINE = Duration.ofSeconds(1);
    /** The longest a recorded message waits for its delete, to go in one call with later ones ({@link HeldDeletes}). */
    private static final Duration HOLD_DELETES = Duration.ofSeconds(1);
    /** How long the scheduler holds a dead-lettered bundle's claim while it reports its tasks. */
    private static final Duration DEAD_LETTER_LEASE = Duration.ofSeconds(60);

    /**
     * Applies the batches of one receive, together, and says for each where to charge the calls that
     * handled it; empty if the batch is not this scheduler's (another scheduler on the same queues owns its job).
     */
    public interface Sink {
        List<Optional<Consumer<Usage>>> accept(List<ResultRecorder.Incoming> batches);
    }

    private final MessageQueue queue;
    private final Function<Message, ResultBatch> decode;
    private final Sink sink;
    private final Backend backend;
    /** Null for the dead-letter queue, whose bundles name one job each. */
    private final PassOn passOn;
    private final RetryPolicy retry = RetryPolicy.DEFAULT;
    private final HeldDeletes held;
    private volatile boolean running = true;

    private ResultCollector(MessageQueue queue, Function<Message, ResultBatch> decode, Sink sink, Backend backend,
                            PassOn passOn, Clock clock) {
        this.queue = queue;
        this.decode = decode;
        this.sink = sink;
        this.backend = backend;
        this.passOn = passOn;
        this.held = new HeldDeletes(clock, HOLD_DELETES);
    }

    /**
     * Reads workers' result messages, of which only what {@code gate} proves reaches the sink, and only
     * for this scheduler's jobs: {@code passOn} has the rest.
     */
    public static ResultCollector responses(Backend backend, Sink sink, ResultGate gate, PassOn passOn, Clock clock) {
        return new ResultCollector(backend.responses(), m -> gate.admit(Json.receivedBatch(m.body())), sink, backend, passOn,
                clock);
    }

    /**
     * Reads dead-lettered bundles. The scheduler claims each, as a worker would: a bundle that is
     * done, or that a live worker still holds (a duplicate delivery that was answered "busy" too
     * often, or a bundle running past SQS's 12-hour visibility limit), is not dead and is dropped;
     * its holder settles it, and the lost-work watch re-sends it should the holder die. A bundle
     * whose workers died each time is split: each unreported task goes back alone, so only the task
     * that kills its worker dies again, and a single task that is dead-lettered is reported FAILED.
     */
    public static ResultCollector deadLetters(MessageQueue deadLetters, Backend backend, Sink sink, Clock clock,
                                              Isolation isolation) {
        return new ResultCollector(deadLetters, m -> {
            Bundle b = Json.bundle(m.body());
            ClaimOutcome outcome = backend.claims().claim(b.bundleId(), "scheduler", clock.instant(), DEAD_LETTER_LEASE);
            if (!(outcome instanceof ClaimOutcome.Claimed claimed)) {
                return new ResultBatch("scheduler", b.jobId(), Usage.ZERO, 0, List.of());
            }
            List<Task> unreported = b.tasks().stream().filter(t -> !claimed.reported().contains(t.seq())).toList();
            List<TaskResult> failed = List.of();
            if (!Isolation.triedAlone(b)) {
                isolation.split(b, unreported);
            } else {
                long now = clock.millis();
                failed = unreported.stream().map(t -> TaskResult.decided(b.jobId(), t, TaskStatus.FAILED,
                        "dead-lettered: its bundle was delivered too many times and its worker never finished it"
                                + " (the worker died, was killed or ran out of memory each time)", now)).toList();
            }
            backend.claims().complete(b.bundleId(), "scheduler", clock.instant());
            return new ResultBatch("scheduler", b.jobId(), Usage.ZERO, 0, failed);
        }, sink, backend, null, clock);
    }

    /** Sorts a message of other jobs only by what {@link PassOn#notMine} said: to its owner, hidden, or deleted. */
    private static void leave(PassOn.Verdict what, Message m, List<Message> done, List<Message> notMine,
                              Map<String, List<Message>> forOwner) {
        switch (what.what()) {
            case FORWARD -> forOwner.computeIfAbsent(what.owner(), o -> new ArrayList<>()).add(m);
            case HIDE -> notMine.add(m);
            case RENEWED, DROP -> done.add(m);
        }
    }

    /** Hands each owner its messages, in one request an owner: those it recorded are done, the rest hidden. */
    private void forward(Map<String, List<Message>> forOwner, List<Message> done, List<Message> notMine) {
        forOwner.forEach((owner, messages) -> {
            Set<String> recorded = passOn.forward(owner, messages);
            messages.forEach(m -> (recorded.contains(m.id()) ? done : notMine).add(m));
        });
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        int failures = 0;
        while (running) {
            AtomicReference<Usage> cost = new AtomicReference<>(Usage.ZERO);
            try {
                List<Message> messages = backend.meter().charge(u -> cost.accumulateAndGet(u, Usage::plus),
                        () -> queue.receiveRaw(MessageQueue.MAX_BATCH, WAIT, VISIBILITY));
                failures = 0;
                if (messages.isEmpty()) {
                    deleteHeld(); // the queue is quiet: no later message to share the call with
                    continue;
                }
                List<Message> done = new ArrayList<>(messages.size());
                List<Message> notMine = new ArrayList<>();
                Map<String, List<Message>> forOwner = new LinkedHashMap<>();
                List<Message> mine = new ArrayList<>(messages.size());
                List<PassOn.Split> splits = new ArrayList<>(messages.size());
                List<ResultRecorder.Incoming> incoming = new ArrayList<>(messages.size());
                for (Message raw : messages) {
                    Optional<Route> route = passOn == null ? Optional.empty() : Route.read(raw.body());
                    if (route.isPresent() && !passOn.decodes(route.get())) {
                        // other replicas' jobs only: left for them unread (a renewal sends the body as it came)
                        leave(passOn.notMine(raw, route.get()), raw, done, notMine, forOwner);
                        continue;
                    }
                    // an offloaded body's fetch is charged with the receive, as when receive restored it
                    Message m = backend.meter().charge(u -> cost.accumulateAndGet(u, Usage::plus), () -> queue.restore(raw));
                    try {
                        ResultBatch batch = decode.apply(m);
                        PassOn.Split split = passOn == null ? new PassOn.Split(batch, null) : passOn.split(batch);
                        if (split.mine() == null) {
                            leave(passOn.notMine(m, Route.of(batch)), m, done, notMine, forOwner);
                        } else {
                            mine.add(raw); // its id and receipt: the restored body is not kept while the receive is recorded
                            splits.add(split);
                            incoming.add(new ResultRecorder.Incoming(m.id(), split.mine()));
                        }
                    } catch (IllegalArgumentException e) {
                        log.error("dropping unreadable message {}: {}", m.id(), e.getMessage());
                        done.add(m);
                    }
                }
                // the receive's batches are recorded together: each job's chunks of them in one write
                List<Optional<Consumer<Usage>>> accepted = incoming.isEmpty() ? List.of() : sink.accept(incoming);
                Consumer<Usage> charge = null; // the receive's calls go to the job of its first recorded message
                for (int i = 0; i < mine.size(); i++) {
                    Message m = mine.get(i);
                    if (accepted.get(i).isEmpty()) {
                        notMine.add(m);
                        continue;
                    }
                    if (splits.get(i).others() != null) {
                        passOn.othersOf(m.id(), splits.get(i).others()); // sent before the original is deleted
                    }
                    if (charge == null) {
                        charge = accepted.get(i).get();
                    }
                    done.add(m);
                }
                if (charge == null) {
                    charge = u -> { };
                }
                forward(forOwner, done, notMine); // before the deletes: a message is deleted once its owner has it
                charge.accept(cost.get());
                held.add(done, charge);
                if (held.due()) {
                    deleteHeld();
                }
                if (!notMine.isEmpty()) {
                    Consumer<Usage> charged = charge;
                    backend.meter().charge(charged, () -> {
                        queue.changeVisibility(notMine, NOT_MINE);
                        return null;
                    });
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return; // a call cut short by the scheduler's stop: what it held comes back at the next start
                }
                // the collector never stops: the scheduler is useless without it, so a permanent failure
                // (a deleted queue, revoked access) is logged loudly and tried again at the slowest pace
                boolean permanent = !RetryPolicy.retryable(e);
                failures = permanent ? Math.max(failures + 1, 32) : failures + 1;
                if (permanent) {
                    log.error("collecting results cannot work until this is fixed: {}", e.toString());
                } else {
                    log.warn("collecting results failed (attempt {}): {}", failures, e.toString());
                }
                if (!retry.pause(failures, e)) {
                    return;
                }
            }
        }
        try {
            deleteHeld();
        } catch (RuntimeException e) {
            // what it held comes back at the next start, and is recorded again, idempotently
            log.info("stopping without deleting the last recorded messages: {}", e.toString());
        }
    }

    /** Deletes the held messages, charged as the first one's receive. */
    private void deleteHeld() {
        if (held.isEmpty()) {
            return;
        }
        Consumer<Usage> charge = held.charge();
        List<Message> messages = held.take();
        backend.meter().charge(charge, () -> {
            queue.delete(messages);
            return null;
        });
    }
}
