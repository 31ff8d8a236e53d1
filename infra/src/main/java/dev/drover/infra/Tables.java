package dev.drover.infra;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The claims table (one lease record per bundle, expired by TTL) and the jobs table (jobs and
 * their results, expired by TTL once a job has ended). On demand: an idle table costs only its storage.
 */
public final class Tables extends Construct {
    public static final String CLAIMS_KEY = "bundleId";
    public static final String CLAIMS_TTL = "expiresAt";
    public static final String JOBS_PARTITION_KEY = "pk";
    public static final String JOBS_SORT_KEY = "sk";
    /** Set on an ended job's items (record and results) to its end plus the scheduler's --retention. */
    public static final String JOBS_TTL = "expiresAt";
    /**
     * The jobs table's sparse index: only the record of a job that has not ended carries its key
     * ({@link #JOBS_UNFINISHED}, the job id), so scheduler replicas looking for jobs to take over read
     * those records' index entries, not the table and its results.
     */
    public static final String JOBS_UNFINISHED_INDEX = "unfinished";
    public static final String JOBS_UNFINISHED = "unfinished";
    /** What the index holds beside its keys: what a replica needs to take a job over. */
    public static final List<String> JOBS_UNFINISHED_PROJECTION = List.of("jobId", "ownerReplica", "epoch");

    public final Table claims;
    public final Table jobs;

    public Tables(Construct scope, String id) {
        super(scope, id);
        claims = Table.Builder.create(this, "Claims")
                .partitionKey(Attribute.builder().name(CLAIMS_KEY).type(AttributeType.STRING).build())
                .timeToLiveAttribute(CLAIMS_TTL)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(pitr())
                // Data outlives `cdk destroy`; docs/deploy.md says how to delete it.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        jobs = Table.Builder.create(this, "Jobs")
                .partitionKey(Attribute.builder().name(JOBS_PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(JOBS_SORT_KEY).type(AttributeType.STRING).build())
                .timeToLiveAttribute(JOBS_TTL)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(pitr())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // Added to a deployed table by a stack update: DynamoDB backfills it from the table's items (a read
        // of the table, and an index write per unfinished job), and the table serves meanwhile.
        jobs.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(JOBS_UNFINISHED_INDEX)
                .partitionKey(Attribute.builder().name(JOBS_UNFINISHED).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.INCLUDE).nonKeyAttributes(JOBS_UNFINISHED_PROJECTION)
                .build());
    }

    /** The index's ARN, for the scheduler's permission to scan it. */
    public String unfinishedIndexArn() {
        return jobs.getTableArn() + "/index/" + JOBS_UNFINISHED_INDEX;
    }

    private static PointInTimeRecoverySpecification pitr() {
        return PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build();
    }
}
