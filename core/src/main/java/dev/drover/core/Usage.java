package dev.drover.core;

/**
 * Billable calls made to the cloud services, counted exactly (never sampled).
 * Values are additive so that workers and the scheduler can each report their share.
 */
public record Usage(long sqsRequests, long dynamoWrites, long dynamoReads, long s3Requests) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public Usage plus(Usage o) {
        return new Usage(sqsRequests + o.sqsRequests, dynamoWrites + o.dynamoWrites,
                dynamoReads + o.dynamoReads, s3Requests + o.s3Requests);
    }

    public Usage minus(Usage o) {
        return new Usage(sqsRequests - o.sqsRequests, dynamoWrites - o.dynamoWrites,
                dynamoReads - o.dynamoReads, s3Requests - o.s3Requests);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
