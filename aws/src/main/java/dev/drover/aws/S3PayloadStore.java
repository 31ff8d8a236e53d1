package dev.drover.aws;

import dev.drover.core.port.PayloadStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Payloads and workloads as objects in one S3 bucket. {@link #open} streams the object from S3 as
 * it is read; a missing key is a {@link NoSuchElementException}, as the port says.
 */
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
        return read(key, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    @Override
    public InputStream open(String key) {
        return read(key, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    private <T> T read(String key, Supplier<T> body) {
        return AwsErrors.call(SERVICE, () -> {
            try {
                return body.get();
            } catch (NoSuchKeyException e) {
                NoSuchElementException missing = new NoSuchElementException("no object " + key + " in bucket " + bucket
                        + " (S3 request " + e.requestId() + ")");
                missing.initCause(e);
                throw missing;
            }
        });
    }
}
