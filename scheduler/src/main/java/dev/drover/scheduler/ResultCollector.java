package dev.drover.scheduler;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes result messages off the response queue, records them (idempotently) and only then deletes
 * the messages, so a crash between the two repeats a result instead of losing it. The same loop,
 * pointed at the dead-letter queue, reports the tasks of a bundle that kept killing its workers
 * as FAILED.
 */
final class ResultCollector implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ResultCollector.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final Duration VISIBILITY = Duration.ofSeconds(60);

    /** Applies one batch of results and says where to charge the calls that handled it. */
    interface Sink {
        Consumer<Usage> accept(String messageId, ResultBatch batch);
    }

    private final MessageQueue queue;
    private final Function<Message, ResultBatch> decode;
    private final Sink sink;
    private final Backend backend;
    private volatile boolean running = true;

    private ResultCollector(MessageQueue queue, Function<Message, ResultBatch> decode, Sink sink, Backend backend) {
        this.queue = queue;
        this.decode = decode;
        this.sink = sink;
        this.backend = backend;
    }

    static ResultCollector responses(Backend backend, Sink sink) {
        return new ResultCollector(backend.responses(), m -> Json.resultBatch(m.body()), sink, backend);
    }

    /** Reads dead-lettered bundles and turns each of their tasks into a FAILED result. */
    static ResultCollector deadLetters(MessageQueue deadLetters, Backend backend, Sink sink, Clock clock) {
        return new ResultCollector(deadLetters, m -> {
            Bundle b = Json.bundle(m.body());
            long now = clock.millis();
            List<TaskResult> failed = b.tasks().stream().map(t -> TaskResult.decided(b.jobId(), t, TaskStatus.FAILED,
                    "dead-lettered: its bundle was delivered too many times and its worker never finished it"
                            + " (the worker died, was killed or ran out of memory each time)", now)).toList();
            return new ResultBatch("scheduler", b.jobId(), Usage.ZERO, 0, failed);
        }, sink, backend);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        int failures = 0;
        while (running) {
            AtomicReference<Usage> cost = new AtomicReference<>(Usage.ZERO);
            try {
                List<Message> messages = backend.meter().charge(u -> cost.accumulateAndGet(u, Usage::plus),
                        () -> queue.receive(MessageQueue.MAX_BATCH, WAIT, VISIBILITY));
                failures = 0;
                if (messages.isEmpty()) {
                    continue;
                }
                List<Message> done = new ArrayList<>(messages.size());
                Consumer<Usage> charge = u -> { };
                for (Message m : messages) {
                    try {
                        Consumer<Usage> c = sink.accept(m.id(), decode.apply(m));
                        if (done.isEmpty()) {
                            charge = c;
                        }
                    } catch (IllegalArgumentException e) {
                        log.error("dropping unreadable message {}: {}", m.id(), e.getMessage());
                    }
                    done.add(m);
                }
                charge.accept(cost.get());
                backend.meter().charge(charge, () -> {
                    queue.delete(done);
                    return null;
                });
            } catch (RuntimeException e) {
                log.warn("collecting results failed (attempt {}): {}", ++failures, e.toString());
                try {
                    Thread.sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
