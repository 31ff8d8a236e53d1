package dev.drover.core.worker;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Task slots without threads, for an executor that needs none ({@code TaskExecutor.needsThread}):
 * up to {@code slots} tasks started and not ended, the rest waiting in order; a task ending starts
 * the next on the thread that ended it. What the thread pool is to blocking tasks, for a simulated
 * fleet of thousands of workers in one JVM.
 */
final class ThreadlessSlots implements TaskSlots {
    private final int slots;
    private final ArrayDeque<Supplier<CompletableFuture<?>>> waiting = new ArrayDeque<>(); // guarded by this
    private int busy; // guarded by this

    ThreadlessSlots(int slots) {
        this.slots = slots;
    }

    @Override
    public void execute(Supplier<CompletableFuture<?>> task) {
        synchronized (this) {
            if (busy >= slots) {
                waiting.add(task);
                return;
            }
            busy++;
        }
        start(task);
    }

    /** Starts tasks in this slot until one is still running when started; a loop, not a recursion, for tasks that end at once. */
    private void start(Supplier<CompletableFuture<?>> first) {
        for (Supplier<CompletableFuture<?>> next = first; next != null; next = freed()) {
            CompletableFuture<?> running = next.get();
            if (!running.isDone()) {
                running.whenComplete((r, e) -> start(freed()));
                return;
            }
        }
    }

    /** A slot's task ended: the next waiting task takes the slot, or it stays free (null). */
    private synchronized Supplier<CompletableFuture<?>> freed() {
        Supplier<CompletableFuture<?>> next = waiting.poll();
        if (next == null && --busy == 0) {
            notifyAll();
        }
        return next;
    }

    /** Tasks still waiting start and, the worker stopping, end at once; this waits for the running ones. */
    @Override
    public synchronized boolean finish(long endNanos) throws InterruptedException {
        while (busy > 0) {
            long left = endNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
