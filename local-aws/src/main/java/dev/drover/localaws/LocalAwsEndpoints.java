package dev.drover.localaws;

import dev.drover.aws.AwsSettings;
import dev.drover.aws.DroverResources;
import dev.drover.core.EnvironmentVariables;
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

    /** The names of the queues, tables and bucket created on the emulators. */
    public DroverResources resources() {
        return new DroverResources(requestQueueUrl, responseQueueUrl, deadLetterQueueUrl, claimsTable, jobsTable, bucket);
    }

    /**
     * The environment a {@code drover worker} child process needs to use these emulators:
     * the standard AWS variables (read by {@link AwsSettings#fromEnvironment}) plus Drover's
     * resource names ({@link DroverResources#toEnvironment}).
     */
    public Map<String, String> workerEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvironmentVariables.AWS_REGION, region);
        env.put(EnvironmentVariables.AWS_ACCESS_KEY_ID, AwsSettings.DUMMY_ACCESS_KEY_ID);
        env.put(EnvironmentVariables.AWS_SECRET_ACCESS_KEY, AwsSettings.DUMMY_SECRET_ACCESS_KEY);
        env.put(EnvironmentVariables.AWS_ENDPOINT_URL_SQS, sqs.toString());
        env.put(EnvironmentVariables.AWS_ENDPOINT_URL_DYNAMODB, dynamoDb.toString());
        env.put(EnvironmentVariables.AWS_ENDPOINT_URL_S3, s3.toString());
        env.putAll(resources().toEnvironment());
        return Collections.unmodifiableMap(env);
    }
}
