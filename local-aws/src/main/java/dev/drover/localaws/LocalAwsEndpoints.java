package dev.drover.localaws;

import dev.drover.aws.AwsSettings;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the running emulators listen and what {@link LocalAws} created on them. */
public record LocalAwsEndpoints(
        URI sqs,
        URI dynamoDb,
        URI s3,
        String region,
        String requestQueueUrl,
        String responseQueueUrl,
        String deadLetterQueueUrl,
        String claimsTable,
        String jobsTable,
        String bucket) {

    /** Settings for {@link dev.drover.aws.AwsClients}: per-service endpoints, dummy credentials. */
    public AwsSettings awsSettings() {
        return AwsSettings.forEmulators(region, sqs, dynamoDb, s3);
    }

    /**
     * The environment a {@code drover worker} child process needs to use these emulators:
     * the standard AWS variables (read by {@link AwsSettings#fromEnvironment}) plus Drover's
     * resource names.
     */
    public Map<String, String> workerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region);
        env.put("AWS_ACCESS_KEY_ID", AwsSettings.DUMMY_ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", AwsSettings.DUMMY_SECRET_ACCESS_KEY);
        env.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
        env.put("AWS_ENDPOINT_URL_S3", s3.toString());
        env.put("DROVER_REQUEST_QUEUE_URL", requestQueueUrl);
        env.put("DROVER_RESPONSE_QUEUE_URL", responseQueueUrl);
        env.put("DROVER_DEAD_LETTER_QUEUE_URL", deadLetterQueueUrl);
        env.put("DROVER_CLAIMS_TABLE", claimsTable);
        env.put("DROVER_JOBS_TABLE", jobsTable);
        env.put("DROVER_BUCKET", bucket);
        return Collections.unmodifiableMap(env);
    }
}
