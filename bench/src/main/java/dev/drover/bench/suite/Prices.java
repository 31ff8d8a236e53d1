package dev.drover.bench.suite;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AWS list prices (us-east-1, on demand, beyond the free tier) for the request part of the cost
 * estimate. A request is counted as one billed unit: SQS bills each 64 KiB chunk of a payload and
 * DynamoDB each 1 KiB written as a unit, so big bundles and result batches cost somewhat more.
 */
final class Prices {
    /** SQS standard queue: $0.40 per million requests. */
    static final double SQS_PER_MILLION = 0.40;
    /** DynamoDB on demand: $0.625 per million write request units. */
    static final double DYNAMO_WRITE_PER_MILLION = 0.625;
    /** DynamoDB on demand: $0.125 per million read request units. */
    static final double DYNAMO_READ_PER_MILLION = 0.125;
    /** S3 standard: $0.005 per 1,000 PUT requests (the dearer kind; GETs are $0.0004 per 1,000). */
    static final double S3_PER_MILLION = 5.0;

    private Prices() {}

    /** Dollars per million tasks for the given requests per task. */
    static double perMillionTasks(double sqsPerTask, double writesPerTask, double readsPerTask, double s3PerTask) {
        return sqsPerTask * SQS_PER_MILLION + writesPerTask * DYNAMO_WRITE_PER_MILLION
                + readsPerTask * DYNAMO_READ_PER_MILLION + s3PerTask * S3_PER_MILLION;
    }

    static Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", "us-east-1");
        m.put("sqsPerMillionRequestsUsd", SQS_PER_MILLION);
        m.put("dynamoPerMillionWritesUsd", DYNAMO_WRITE_PER_MILLION);
        m.put("dynamoPerMillionReadsUsd", DYNAMO_READ_PER_MILLION);
        m.put("s3PerMillionRequestsUsd", S3_PER_MILLION);
        return m;
    }
}
