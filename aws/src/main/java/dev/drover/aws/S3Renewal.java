package dev.drover.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * Renews an object's age (what the bucket's lifecycle rules count from) by copying it onto itself
 * inside S3, with new metadata as S3 requires: one CopyObject up to {@link #SINGLE_COPY_LIMIT}, S3's
 * limit for it, and above that a multipart copy (UploadPartCopy of byte ranges), so a pack of any size
 * is renewed without its bytes leaving S3. Tagging would not do: it leaves the object's age alone.
 */
final class S3Renewal {
    /** CopyObject copies at most 5 GB. */
    static final long SINGLE_COPY_LIMIT = 5L * 1000 * 1000 * 1000;
    /** Part size of a multipart copy: 10,000 parts of it cover S3's 5 TB objects. */
    static final long COPY_PART_SIZE = 1L << 29;
    static final String TOUCHED = "drover-touched";

    private final S3Client s3;
    private final String bucket;
    private final long singleCopyLimit;
    private final long partSize;

    S3Renewal(S3Client s3, String bucket, long singleCopyLimit, long partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.singleCopyLimit = singleCopyLimit;
        this.partSize = partSize;
    }

    void renew(String key, HeadObjectResponse head, long now) {
        Map<String, String> metadata = Map.of(TOUCHED, Long.toString(now));
        if (head.contentLength() <= singleCopyLimit) {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(metadata));
            return;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).metadata(metadata)
                .contentType(head.contentType())).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long size = head.contentLength();
            for (long from = 0; from < size; from += partSize) {
                int number = parts.size() + 1;
                String range = "bytes=" + from + "-" + (Math.min(size, from + partSize) - 1);
                // copy only the version that was measured: a replaced object makes the copy fail, not mix
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(key).copySourceIfMatch(head.eTag())
                        .copySourceRange(range).destinationBucket(bucket).destinationKey(key)
                        .uploadId(uploadId).partNumber(number)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                // the upload's parts expire by the bucket's lifecycle rule
            }
            throw e;
        }
    }
}
