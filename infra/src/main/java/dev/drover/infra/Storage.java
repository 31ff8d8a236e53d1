package dev.drover.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/** The bucket for what does not fit in a message: payloads/, workloads/ and outputs/. */
public final class Storage extends Construct {
    public static final String PAYLOADS = "payloads/";
    public static final String WORKLOADS = "workloads/";
    public static final String OUTPUTS = "outputs/";
    /** Task outputs and payloads are working data: the results live in the jobs table. */
    public static final Duration WORKING_DATA_EXPIRY = Duration.days(30);

    public final Bucket bucket;

    public Storage(Construct scope, String id) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .lifecycleRules(List.of(
                        expire("ExpireOutputs", OUTPUTS),
                        expire("ExpirePayloads", PAYLOADS),
                        LifecycleRule.builder().id("AbortIncompleteUploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(7)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private static LifecycleRule expire(String id, String prefix) {
        return LifecycleRule.builder().id(id).prefix(prefix).expiration(WORKING_DATA_EXPIRY).build();
    }

    /** ARN pattern of every object under a prefix, for IAM statements. */
    public String objects(String prefix) {
        return bucket.arnForObjects(prefix + "*");
    }
}
