package dev.drover.aws;

import static dev.drover.core.EnvironmentVariables.BUCKET;
import static dev.drover.core.EnvironmentVariables.CLAIMS_TABLE;
import static dev.drover.core.EnvironmentVariables.DEAD_LETTER_QUEUE_URL;
import static dev.drover.core.EnvironmentVariables.JOBS_TABLE;
import static dev.drover.core.EnvironmentVariables.REQUEST_QUEUE_URL;
import static dev.drover.core.EnvironmentVariables.RESPONSE_QUEUE_URL;

import dev.drover.core.EnvironmentVariables;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The names of Drover's cloud resources: the contract between the stack (CDK outputs or local
 * AWS), the scheduler and the workers. Travels as {@code DROVER_*} environment variables, which
 * is also how EC2 user data hands it to a worker. The variable names live in {@link EnvironmentVariables};
 * {@link #toEnvironment} is the one place that writes them, for every launcher (EC2, local processes, local AWS).
 */
public record DroverResources(String requestQueueUrl, String responseQueueUrl, String deadLetterQueueUrl,
                              String claimsTable, String jobsTable, String bucket) {

    /** Reads the names from {@code DROVER_*} variables; empty if the request queue is not named. */
    public static Optional<DroverResources> fromEnvironment(Map<String, String> env) {
        if (env.get(REQUEST_QUEUE_URL) == null) {
            return Optional.empty();
        }
        return Optional.of(new DroverResources(env.get(REQUEST_QUEUE_URL), require(env, RESPONSE_QUEUE_URL),
                env.getOrDefault(DEAD_LETTER_QUEUE_URL, ""), require(env, CLAIMS_TABLE),
                env.getOrDefault(JOBS_TABLE, ""), require(env, BUCKET)));
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set (set every DROVER_* variable, or run `drover local-aws`)");
        }
        return v;
    }

    /** The {@code DROVER_*} variables that {@link #fromEnvironment} reads back, in {@link EnvironmentVariables#RESOURCES} order. */
    public Map<String, String> toEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(REQUEST_QUEUE_URL, requestQueueUrl);
        env.put(RESPONSE_QUEUE_URL, responseQueueUrl);
        env.put(DEAD_LETTER_QUEUE_URL, deadLetterQueueUrl);
        env.put(CLAIMS_TABLE, claimsTable);
        env.put(JOBS_TABLE, jobsTable);
        env.put(BUCKET, bucket);
        return env;
    }
}
