package dev.drover.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.Aws;

/**
 * The KEY=VALUE lines a worker (and the scheduler) reads its configuration from. They carry names
 * and URLs only, no secrets: credentials come from the instance profile.
 */
final class DroverEnvironment {
    private DroverEnvironment() {}

    /** What every Drover process on EC2 needs to find the queues, tables and bucket. */
    static Map<String, String> shared(Queues queues, Tables tables, Storage storage) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DROVER_REQUEST_QUEUE_URL", queues.requests.getQueueUrl());
        env.put("DROVER_RESPONSE_QUEUE_URL", queues.responses.getQueueUrl());
        env.put("DROVER_DEAD_LETTER_QUEUE_URL", queues.requestDeadLetters.getQueueUrl());
        env.put("DROVER_CLAIMS_TABLE", tables.claims.getTableName());
        env.put("DROVER_JOBS_TABLE", tables.jobs.getTableName());
        env.put("DROVER_BUCKET", storage.bucket.getBucketName());
        env.put("AWS_REGION", Aws.REGION);
        return env;
    }

    static String lines(Map<String, String> env) {
        return env.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
