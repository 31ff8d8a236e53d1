package dev.drover.aws;

import dev.drover.core.port.PayloadStore;
import java.io.InputStream;
import java.nio.file.Path;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Payloads and workloads as objects in one S3 bucket. */
public final class S3PayloadStore implements PayloadStore {
    private static final String SERVICE = "S3";

    private final S3Client s3;
    private final String bucket;

    public S3PayloadStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public void put(String key, byte[] bytes) {
        AwsErrors.call(SERVICE, () -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)));
    }

    @Override
    public void putFile(String key, Path file) {
        AwsErrors.call(SERVICE, () -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file)));
    }

    @Override
    public byte[] get(String key) {
        return AwsErrors.call(SERVICE, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    @Override
    public InputStream open(String key) {
        return AwsErrors.call(SERVICE, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }
}
