package dev.drover.core.worker;

import dev.drover.core.Usage;
import java.util.function.Supplier;

/**
 * The calls the worker made, and the duplicates it skipped, since they were last charged to a job:
 * each result message carries what is new since the last one.
 */
final class UsageCharges {
    private final Supplier<Usage> meter;
    private final Counters counters;
    private Usage reported = Usage.ZERO; // publisher thread only
    private long duplicatesReported;     // publisher thread only

    UsageCharges(Supplier<Usage> meter, Counters counters) {
        this.meter = meter;
        this.counters = counters;
    }

    /** What is new since the last charge, as now: {@link #charged} once it is sent. */
    Charge next() {
        Usage total = meter.get();
        long dups = counters.duplicates.get();
        return new Charge(total, dups, total.minus(reported), dups - duplicatesReported);
    }

    /** The charge has gone out: the next one starts from it. */
    void charged(Charge charge) {
        reported = charge.total();
        duplicatesReported = charge.totalDuplicates();
    }

    /** The job of the last bundle received, charged with the calls made after the last result message. */
    String lastJob() {
        return counters.lastJob;
    }

    /** The totals so far, and what of them is new since the last charge. */
    record Charge(Usage total, long totalDuplicates, Usage usage, long duplicates) {
        boolean isZero() {
            return usage.isZero() && duplicates == 0;
        }
    }
}
