package dev.drover.aws;

/**
 * The one place where the key and attribute names of Drover's two DynamoDB tables are written.
 * The adapters ({@link DynamoDbClaimStore}, {@link DynamoDbJobStore}) and local AWS (which creates
 * the tables on dynoxide) use these constants; the CDK app's tests check that its tables
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
        /**
         * An idempotency key's item: partition {@code idem#<user>#<key>}, sort {@link #IDEM}, holding
         * {@link #JOB_ID}; its job's partition holds a pointer to it (sort key = the item's partition key),
         * so the job's TTL and delete reach it.
         */
        public static final String IDEM_PREFIX = "idem#";
        public static final String IDEM = "idem";

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
        /** Number, absent without a budget: what the job may spend, USD. */
        public static final String BUDGET_USD = "budgetUsd";
        /** String, absent unless cancelled: why ("cancelled", "budget"). */
        public static final String CANCEL_REASON = "cancelReason";
        /** Number, absent for priority 0: the job's place among its owner's jobs (higher first). */
        public static final String PRIORITY = "priority";
        /** Binary: gzipped JSON of the chunk's results. */
        public static final String RESULTS = "results";
        /** String, on an ended job's meta item: tasks per final status, {@code SUCCEEDED=98,FAILED=2}. */
        public static final String COUNTS = "counts";
        /** Tasks below the cursor not sent yet (their stage waited): see {@code JobRecord.held}. */
        public static final String HELD = "held";
        /**
         * The jobs table's TTL attribute (epoch seconds), set on every item of a job once it has ended:
         * AWS deletes the job by itself after the retention; users' and tokens' items never carry it.
         */
        public static final String TTL = "expiresAt";
        /** String, on the meta item of a job a scheduler replica owns: the replica's id. */
        public static final String OWNER_REPLICA = "ownerReplica";
        /** Number, beside {@link #OWNER_REPLICA}: raised by every takeover; every owner write is conditional on it. */
        public static final String EPOCH = "epoch";
        /**
         * String, on the meta item of a job that has not ended: its job id. Written by every save of an
         * unfinished job and removed by the save that records its end (the same conditional write), so
         * {@link #UNFINISHED_INDEX} holds the unfinished jobs only.
         */
        public static final String UNFINISHED = "unfinished";
        /**
         * The sparse global secondary index on {@link #UNFINISHED} (partition key, no sort key), projecting
         * {@link #JOB_ID}, {@link #OWNER_REPLICA} and {@link #EPOCH}: what replicas read to find jobs to take.
         */
        public static final String UNFINISHED_INDEX = "unfinished";
    }

    /**
     * Scheduler replicas, in the jobs table under one partition key, so one query reads them all:
     * one heartbeat item per replica (sort key: its id, which starts with {@link #ID_PREFIX} and so
     * is never {@link Jobs#META}), and one lease item per singleton (sort key {@link #LEASE_PREFIX} + name).
     */
    public static final class Replicas {
        private Replicas() {}

        public static final String PARTITION = "replicas";
        public static final String ID_PREFIX = "r-";
        public static final String LEASE_PREFIX = "lease#";
        public static final String ADDRESS = "address";
        /** Number: raised by one at every beat. */
        public static final String COUNT = "beat";
        /** Number, epoch millis: the replica's clock at the beat, for people. */
        public static final String AT = "beatAt";
        public static final String LIVE_JOBS = "liveJobs";
        public static final String BACKLOG = "backlog";
        /** Map: per user, a map of numbers ({@code r q w m d c}: running, queued, work ms, month USD, want, claim). */
        public static final String USERS = "users";
        /** Number: task-seconds the replica's jobs ran since it started. */
        public static final String TASK_SECONDS = "taskSeconds";
        /** Map, on the fleet leader's beat: per replica, a map {@code s u} (EC2 worker-seconds and USD given it so far). */
        public static final String EC2 = "ec2";
        /** On a lease item: the replica holding it. */
        public static final String HOLDER = "holder";
    }

    /**
     * Users, in the jobs table under their own partition-key prefixes (so no new table and no new
     * permission): per user a {@link #USER_PREFIX} item, per token a {@link #TOKEN_PREFIX} item
     * keyed by the token's SHA-256, so a request costs one read to authenticate. Removing a user
     * marks both {@link #REVOKED} (the scheduler may put and update, not delete). Their sort keys
     * differ from {@link Jobs#META}, so listing jobs never sees them.
     */
    public static final class Users {
        private Users() {}

        /** Partition key (string) of a user's item: this prefix and the name; sort key {@link #USER_SORT_KEY}. */
        public static final String USER_PREFIX = "user#";
        public static final String USER_SORT_KEY = "user";
        /** Partition key (string) of a token's item: this prefix and the token's hex SHA-256; sort key {@link #TOKEN_SORT_KEY}. */
        public static final String TOKEN_PREFIX = "token#";
        public static final String TOKEN_SORT_KEY = "token";

        public static final String NAME = "userName";
        public static final String ADMIN = "admin";
        /** Epoch millis. */
        public static final String CREATED_AT = "createdAt";
        /** Number, absent for none (and on older items): the user's monthly budget, USD. */
        public static final String MONTHLY_BUDGET_USD = "monthlyBudgetUsd";
        /** String set, on the user's item: the hashes of their tokens. */
        public static final String TOKEN_HASHES = "tokenHashes";
        /** On the token's item: the hash again, compared in constant time after the lookup. */
        public static final String TOKEN_HASH = "tokenHash";
        /** Boolean: the user was removed, or the token revoked. */
        public static final String REVOKED = "revoked";
        /** Number, on the user's item: their fair-share weight; absent (written before weights) means 1. */
        public static final String WEIGHT = "weight";
    }
}
