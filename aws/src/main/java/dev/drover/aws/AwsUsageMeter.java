package dev.drover.aws;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link UsageMeter} over the {@link CallMeter} that every Drover SDK client carries. */
public final class AwsUsageMeter implements UsageMeter {
    @Override
    public Usage total() {
        return CallMeter.total();
    }

    @Override
    public <T> T charge(Consumer<Usage> charge, Supplier<T> body) {
        UsageAccumulator calls = new UsageAccumulator();
        try {
            return CallMeter.attributeTo(calls, body);
        } finally {
            charge.accept(calls.snapshot());
        }
    }
}
