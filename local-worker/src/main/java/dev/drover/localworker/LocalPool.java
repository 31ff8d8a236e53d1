package dev.drover.localworker;

import dev.drover.core.Usage;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.core.worker.WorkerStats;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The in-JVM worker pool: N single-threaded {@link Worker}s on the given (in-memory) queues and
 * claim store. The same loop remote workers run, so the pool exercises the real protocol.
 */
public final class LocalPool implements AutoCloseable {
    private final List<Worker> workers;

    public LocalPool(int size, MessageQueue requests, MessageQueue responses, ClaimStore claims,
                     TaskExecutor executor, Clock clock) {
        if (size < 1) {
            throw new IllegalArgumentException("the local pool needs at least 1 worker");
        }
        this.workers = IntStream.rangeClosed(1, size)
                .mapToObj(i -> new Worker(WorkerConfig.inJvm("local-" + i, 1), requests, responses, claims, executor, clock,
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
