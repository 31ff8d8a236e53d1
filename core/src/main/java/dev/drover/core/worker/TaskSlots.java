package dev.drover.core.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where a worker's tasks take turns: as many run at once as the worker has threads, the rest wait
 * in order. A task is started by a supplier whose future completes when its slot is free again.
 */
interface TaskSlots {
    void execute(Supplier<CompletableFuture<?>> task);

    /** Takes no more tasks; waits until {@code endNanos} (System.nanoTime) for those taken to end. */
    boolean finish(long endNanos) throws InterruptedException;

    /** A thread per slot, for executors that run a task on the calling thread. */
    static TaskSlots threads(String workerId, int threads) {
        AtomicInteger n = new AtomicInteger();
        // unbounded in type, bounded in fact: the poller receives only while the capacity has room
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Worker.daemon(r, "drover-task-" + workerId + "-" + n.incrementAndGet()));
        return new TaskSlots() {
            @Override
            public void execute(Supplier<CompletableFuture<?>> task) {
                pool.execute(task::get); // the task's thread is its slot: free when the supplier returns
            }

            @Override
            public boolean finish(long endNanos) throws InterruptedException {
                pool.shutdown();
                return pool.awaitTermination(Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        };
    }
}
