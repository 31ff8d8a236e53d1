package dev.drover.infra;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
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
    }

    private static PointInTimeRecoverySpecification pitr() {
        return PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build();
    }
}
