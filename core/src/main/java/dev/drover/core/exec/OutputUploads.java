package dev.drover.core.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Where finished tasks' outputs upload, so a task thread goes on to its next task meanwhile: a small
 * pool of named daemon threads, and two bounds on what waits or uploads: its bytes, and one task
 * waiting behind each upload thread. A task thread that would pass either waits (backpressure:
 * finished tasks' files cannot pile up on the worker's disk, and a result does not wait behind a
 * queue of other uploads). A task whose outputs alone are over the byte bound goes when nothing else
 * is in flight.
 */
public final class OutputUploads {
    /** Uploads at once per worker: as many as this machine has processors, 2 to 8. */
    public static final int DEFAULT_THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    /**
     * Bytes of finished tasks' outputs a worker holds at most while they upload: its disk's bound.
     * With 256 MiB, results of 1 MB outputs waited about 7 s for their upload at 40 MB/s.
     */
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 32L << 20;

    private final long maxInFlightBytes;
    /**
     * Tasks waiting or uploading: one uploading and one next on each thread keeps the threads busy;
     * more only queues, and a queued task's time counts in the job's task times, which size its bundles.
     */
    private final int maxInFlightTasks;
    private final ThreadPoolExecutor pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private long inFlight; // guarded by lock
    private int tasks; // guarded by lock

    public OutputUploads(int threads, long maxInFlightBytes) {
        if (threads < 1 || maxInFlightBytes < 1) {
            throw new IllegalArgumentException("threads and bytes must be positive: " + threads + ", " + maxInFlightBytes);
        }
        this.maxInFlightBytes = maxInFlightBytes;
        this.maxInFlightTasks = 2 * threads;
        AtomicInteger n = new AtomicInteger();
        // idle threads end after a while, so an executor nobody closes leaves no thread behind
        this.pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "drover-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    public static OutputUploads defaults() {
        return new OutputUploads(DEFAULT_THREADS, DEFAULT_MAX_IN_FLIGHT_BYTES);
    }

    /**
     * Waits until {@code bytes} fit under the bound, then runs {@code upload} on the pool; the future
     * completes with its value, or exceptionally with what it threw.
     */
    public <T> CompletableFuture<T> submit(long bytes, Supplier<T> upload) throws InterruptedException {
        long held = acquire(bytes);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return upload.get();
                } finally {
                    release(held);
                }
            }, pool);
        } catch (RuntimeException e) {
            release(held);
            throw e;
        }
    }

    /** Bytes waiting or uploading now. */
    public long inFlightBytes() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    private long acquire(long bytes) throws InterruptedException {
        long want = Math.min(Math.max(bytes, 0), maxInFlightBytes);
        lock.lock();
        try {
            while (tasks > 0 && (inFlight + want > maxInFlightBytes || tasks >= maxInFlightTasks)) {
                room.await();
            }
            inFlight += want;
            tasks++;
            return want;
        } finally {
            lock.unlock();
        }
    }

    private void release(long bytes) {
        lock.lock();
        try {
            inFlight -= bytes;
            tasks--;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
