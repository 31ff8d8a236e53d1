package dev.drover.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/**
 * The bucket for what does not fit in a message: payloads/, workloads/, files/ and outputs/. Every one
 * of them is a job's, and expires the job's retention after it was last written ({@code -c retentionDays},
 * default 30): a job's objects are all written at or after its submission, and a files pack, shared by
 * the jobs with the same files, is written again (a copy onto itself) by each submission that names it.
 */
public final class Storage extends Construct {
    public static final String PAYLOADS = "payloads/";
    public static final String WORKLOADS = "workloads/";
    public static final String OUTPUTS = "outputs/";
    public static final String FILES = "files/";

    public final Bucket bucket;

    public Storage(Construct scope, String id, int retentionDays) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .lifecycleRules(List.of(
                        expire("ExpireOutputs", OUTPUTS, retentionDays),
                        expire("ExpireFiles", FILES, retentionDays),
                        expire("ExpirePayloads", PAYLOADS, retentionDays),
                        expire("ExpireWorkloads", WORKLOADS, retentionDays),
                        LifecycleRule.builder().id("AbortIncompleteUploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(7)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private static LifecycleRule expire(String id, String prefix, int days) {
        return LifecycleRule.builder().id(id).prefix(prefix).expiration(Duration.days(days)).build();
    }

    /** ARN pattern of every object under a prefix, for IAM statements. */
    public String objects(String prefix) {
        return bucket.arnForObjects(prefix + "*");
    }
}
