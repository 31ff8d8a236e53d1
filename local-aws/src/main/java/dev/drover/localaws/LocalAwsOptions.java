package dev.drover.localaws;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start {@link LocalAws}: where the emulator jars are, where to keep state (none: all in
 * memory, gone on close), after how many receives a request message goes to the dead-letter
 * queue, and the names of the queues, tables and bucket to create.
 */
public record LocalAwsOptions(
        Path emulatorsDir,
        Optional<Path> dataDir,
        int maxReceiveCount,
        String requestQueue,
        String responseQueue,
        String deadLetterQueue,
        String claimsTable,
        String jobsTable,
        String bucket) {

    public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;
    public static final String DEFAULT_REQUEST_QUEUE = "drover-requests";
    public static final String DEFAULT_RESPONSE_QUEUE = "drover-responses";
    public static final String DEFAULT_DEAD_LETTER_QUEUE = "drover-requests-dlq";
    public static final String DEFAULT_CLAIMS_TABLE = "drover-claims";
    public static final String DEFAULT_JOBS_TABLE = "drover-jobs";
    public static final String DEFAULT_BUCKET = "drover";

    public LocalAwsOptions {
        Objects.requireNonNull(emulatorsDir, "emulatorsDir");
        Objects.requireNonNull(dataDir, "dataDir");
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("maxReceiveCount must be 1..1000 (an SQS limit): " + maxReceiveCount);
        }
        Objects.requireNonNull(requestQueue, "requestQueue");
        Objects.requireNonNull(responseQueue, "responseQueue");
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        Objects.requireNonNull(claimsTable, "claimsTable");
        Objects.requireNonNull(jobsTable, "jobsTable");
        Objects.requireNonNull(bucket, "bucket");
    }

    /** In-memory emulators with the default names and redrive after 5 receives. */
    public static LocalAwsOptions defaults(Path emulatorsDir) {
        return new LocalAwsOptions(emulatorsDir, Optional.empty(), DEFAULT_MAX_RECEIVE_COUNT,
                DEFAULT_REQUEST_QUEUE, DEFAULT_RESPONSE_QUEUE, DEFAULT_DEAD_LETTER_QUEUE,
                DEFAULT_CLAIMS_TABLE, DEFAULT_JOBS_TABLE, DEFAULT_BUCKET);
    }

    /** Keep queues, messages, tables and objects in {@code dir}, so a restart finds them again. */
    public LocalAwsOptions withDataDir(Path dir) {
        return new LocalAwsOptions(emulatorsDir, Optional.of(dir), maxReceiveCount, requestQueue,
                responseQueue, deadLetterQueue, claimsTable, jobsTable, bucket);
    }

    public LocalAwsOptions withMaxReceiveCount(int count) {
        return new LocalAwsOptions(emulatorsDir, dataDir, count, requestQueue, responseQueue,
                deadLetterQueue, claimsTable, jobsTable, bucket);
    }
}
