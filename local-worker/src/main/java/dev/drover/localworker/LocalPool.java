package dev.drover.localworker;

import dev.drover.core.Usage;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.core.worker.WorkerStats;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The in-JVM worker pool: N single-threaded {@link Worker}s on the given (in-memory) queues and
 * claim store. The same loop remote workers run, so the pool exercises the real protocol.
 */
public final class LocalPool implements AutoCloseable {
    /**
     * In-JVM queues answer at once: short polls keep shutdown quick, fetching ahead only pays for
     * tasks under a millisecond, and results can linger longer, since a message costs a JSON round
     * trip and a worker whose tasks have all ended publishes at once anyway.
     */
    private static final Duration POLL_WAIT = Duration.ofMillis(200);
    private static final Duration FETCH_AHEAD = Duration.ofMillis(1);
    private static final Duration RESULT_LINGER = Duration.ofMillis(100);

    private final List<Worker> workers;

    public LocalPool(int size, MessageQueue requests, MessageQueue responses, ClaimStore claims,
                     TaskExecutor executor, Clock clock) {
        if (size < 1) {
            throw new IllegalArgumentException("the local pool needs at least 1 worker");
        }
        this.workers = IntStream.rangeClosed(1, size)
                .mapToObj(i -> new Worker(WorkerConfig.defaults("local-" + i, 1, Duration.ZERO)
                        .withPollWait(POLL_WAIT)
                        .withFetchAhead(FETCH_AHEAD).withResultLinger(RESULT_LINGER), requests, responses, claims, executor, clock,
                        () -> Usage.ZERO).start())
                .toList();
    }

    public int size() {
        return workers.size();
    }

    /** Drains every worker: running tasks finish, the rest is handed back. */
    @Override
    public void close() {
        List<CompletableFuture<WorkerStats>> stopped = workers.stream().map(Worker::drain).toList();
        stopped.forEach(CompletableFuture::join);
    }
}
