package dev.drover.aws;

import dev.drover.core.Usage;
import java.util.concurrent.atomic.LongAdder;

/** A thread-safe running sum of {@link Usage}, cheap to add to from many threads at once. */
public final class UsageAccumulator {
    private final LongAdder sqsRequests = new LongAdder();
    private final LongAdder dynamoWrites = new LongAdder();
    private final LongAdder dynamoReads = new LongAdder();
    private final LongAdder s3Requests = new LongAdder();

    public void add(Usage usage) {
        sqsRequests.add(usage.sqsRequests());
        dynamoWrites.add(usage.dynamoWrites());
        dynamoReads.add(usage.dynamoReads());
        s3Requests.add(usage.s3Requests());
    }

    /** The sum so far; counts added concurrently with this call may or may not be included. */
    public Usage snapshot() {
        return new Usage(sqsRequests.sum(), dynamoWrites.sum(), dynamoReads.sum(), s3Requests.sum());
    }
}
