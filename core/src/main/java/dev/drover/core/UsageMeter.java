package dev.drover.core;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** Counts the billable cloud calls this process makes, in total and for a piece of work. */
public interface UsageMeter {
    /** Everything this process has made so far. */
    Usage total();

    /** Runs {@code body}; the calls it makes on this thread are also passed to {@code charge}. */
    <T> T charge(Consumer<Usage> charge, Supplier<T> body);

    /** For in-memory adapters, which make no billable call. */
    UsageMeter NONE = new UsageMeter() {
        @Override
        public Usage total() {
            return Usage.ZERO;
        }

        @Override
        public <T> T charge(Consumer<Usage> charge, Supplier<T> body) {
            return body.get();
        }
    };
}
