package dev.drover.core.worker;

import java.util.concurrent.atomic.AtomicLong;

/** What the worker has done so far, for its exit report and for the usage it charges to jobs. */
final class Counters {
    final AtomicLong tasksRun = new AtomicLong();
    final AtomicLong bundlesRun = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    /** The job of the last bundle received, charged with the calls made after the last result message. */
    volatile String lastJob = "";
}
