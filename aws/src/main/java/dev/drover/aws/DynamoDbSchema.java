package dev.drover.aws;

/**
 * The one place where the key and attribute names of Drover's two DynamoDB tables are written.
 * The adapters ({@link DynamoDbClaimStore}, {@link DynamoDbJobStore}) and local AWS (which creates
 * the tables on DynamoDB Local) use these constants; the CDK app's tests check that its tables
 * have the same key schemas and TTL attribute.
 */
public final class DynamoDbSchema {
    private DynamoDbSchema() {}

    /** The claims table: one item per bundle (its lease), and one per cancelled job. Keyed by a string. */
    public static final class Claims {
        private Claims() {}

        /** Partition key (string): the bundle id, or {@link #CANCEL_PREFIX} + job id. */
        public static final String KEY = "bundleId";
        /** The TTL attribute (epoch seconds): old claims and cancellations go away by themselves. */
        public static final String TTL = "expiresAt";
        public static final String OWNER = "owner";
        /** Epoch millis. */
        public static final String LEASE_UNTIL = "leaseUntil";
        public static final String DONE = "done";
        public static final String CLAIM_COUNT = "claimCount";
        /** Number set: the seqs of tasks whose results are published. */
        public static final String REPORTED = "reported";
        public static final String CANCEL_PREFIX = "cancel#";
    }

    /** The jobs table: per job a {@link #META} item and one item per chunk of results. */
    public static final class Jobs {
        private Jobs() {}

        /** Partition key (string): {@link #JOB_PREFIX} + job id. */
        public static final String PARTITION_KEY = "pk";
        /** Sort key (string): {@link #META}, or {@link #CHUNK_PREFIX} + chunk id. */
        public static final String SORT_KEY = "sk";
        public static final String JOB_PREFIX = "job#";
        public static final String META = "meta";
        public static final String CHUNK_PREFIX = "chunk#";

        public static final String JOB_ID = "jobId";
        public static final String NAME = "name";
        public static final String OWNER = "owner";
        public static final String TOTAL = "total";
        public static final String DISPATCHED = "dispatched";
        public static final String SENDING = "sending";
        public static final String STATE = "state";
        public static final String SUBMITTED_AT = "submittedAt";
        public static final String FINISHED_AT = "finishedAt";
        /** String, absent without files: the SHA-256 of the job's files pack. */
        public static final String FILES = "files";
        /** Binary: gzipped JSON of the chunk's results. */
        public static final String RESULTS = "results";
    }
}
