package dev.drover.scheduler.model;

import dev.drover.core.Usage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * List prices (us-east-1, USD) per billable request. S3 bytes are reported but not priced: storage
 * is bounded by the retention period and transfer inside the region is free.
 */
public record Prices(double sqsRequestUsd, double dynamoWriteUsd, double dynamoReadUsd, double s3RequestUsd) {
    /** SQS standard $0.40 per million, DynamoDB on-demand $1.25 / $0.25 per million writes / reads, S3 PUT $5 per million. */
    public static final Prices LIST = new Prices(0.40e-6, 1.25e-6, 0.25e-6, 5e-6);

    /** What these calls cost, rounded to a millionth of a dollar. */
    public double requestsUsd(Usage u) {
        return micro(u.sqsRequests() * sqsRequestUsd + u.dynamoWrites() * dynamoWriteUsd
                + u.dynamoReads() * dynamoReadUsd + u.s3Requests() * s3RequestUsd);
    }

    /** The same, per service. */
    public Map<String, Double> breakdown(Usage u) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("sqs", micro(u.sqsRequests() * sqsRequestUsd));
        m.put("dynamoWrites", micro(u.dynamoWrites() * dynamoWriteUsd));
        m.put("dynamoReads", micro(u.dynamoReads() * dynamoReadUsd));
        m.put("s3", micro(u.s3Requests() * s3RequestUsd));
        return m;
    }

    /** An amount in USD rounded to a millionth of a dollar, as bills show it. */
    public static double micro(double usd) {
        return Math.round(usd * 1e6) / 1e6;
    }
}
