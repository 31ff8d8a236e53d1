package dev.drover.aws;

import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Payloads and workloads as objects in one S3 bucket. {@link #open} streams the object from S3 as
 * it is read; a missing key is a {@link NoSuchElementException}, as the port says. A file over
 * {@link #MULTIPART_THRESHOLD} is uploaded in parts of {@link #PART_SIZE}, one part in memory at a time.
 */
public final class S3PayloadStore implements PayloadStore {
    private static final String SERVICE = "S3";

    /** Files larger than this go up as multipart uploads. */
    public static final long MULTIPART_THRESHOLD = 16L << 20;
    /** The size of each part but the last (S3's minimum is 5 MiB). */
    public static final int PART_SIZE = 8 << 20;

    private final S3Client s3;
    private final String bucket;
    private final long multipartThreshold;
    private final int partSize;
    private final S3Renewal renewal;

    public S3PayloadStore(S3Client s3, String bucket) {
        this(s3, bucket, MULTIPART_THRESHOLD, PART_SIZE);
    }

    /** With other multipart settings, for tests (S3 refuses parts under 5 MiB but the last). */
    public S3PayloadStore(S3Client s3, String bucket, long multipartThreshold, int partSize) {
        this(s3, bucket, multipartThreshold, partSize,
                new S3Renewal(s3, bucket, S3Renewal.SINGLE_COPY_LIMIT, S3Renewal.COPY_PART_SIZE));
    }

    private S3PayloadStore(S3Client s3, String bucket, long multipartThreshold, int partSize, S3Renewal renewal) {
        this.renewal = renewal;
        this.s3 = s3;
        this.bucket = bucket;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    @Override
    public boolean exists(String key) {
        return AwsErrors.call(SERVICE, () -> {
            try {
                s3.headObject(b -> b.bucket(bucket).key(key));
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public void put(String key, byte[] bytes) {
        AwsErrors.call(SERVICE, () -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)));
    }

    @Override
    public void putFile(String key, Path file) {
        upload(key, file);
    }

    /** One read of the file: it is hashed as the SDK streams it (or as its parts are read). */
    @Override
    public String putFileSha256(String key, Path file) {
        return HexFormat.of().formatHex(upload(key, file).digest());
    }

    /** Uploads the file and returns the digest of the bytes it sent. */
    private MessageDigest upload(String key, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (size <= multipartThreshold) {
            // the SDK opens a new stream for each attempt (and, signing a payload, one to hash it first):
            // the last stream opened is the one that was sent
            AtomicReference<HashingStream> last = new AtomicReference<>();
            ContentStreamProvider content = () -> {
                try {
                    HashingStream in = new HashingStream(Files.newInputStream(file));
                    HashingStream previous = last.getAndSet(in);
                    if (previous != null) {
                        previous.close();
                    }
                    return in;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            AwsErrors.call(SERVICE, () -> s3.putObject(b -> b.bucket(bucket).key(key),
                    RequestBody.fromContentProvider(content, size, "application/octet-stream")));
            HashingStream sent = last.get();
            closeQuietly(sent);
            return sent != null && sent.count == size ? sent.digest : rehash(file);
        }
        MessageDigest digest = sha256();
        String uploadId = AwsErrors.call(SERVICE, () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buf = new byte[partSize];
            for (int number = 1; ; number++) {
                int n = in.readNBytes(buf, 0, partSize);
                if (n == 0 && number > 1) {
                    break;
                }
                int part = number;
                String etag = AwsErrors.call(SERVICE, () -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(part).contentLength((long) n), RequestBody.fromBytes(Arrays.copyOf(buf, n))).eTag());
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
                if (n < partSize) {
                    break;
                }
            }
            AwsErrors.call(SERVICE, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))));
            return digest;
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                // the upload's parts expire by the bucket's lifecycle rule
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /** A file stream that hashes and counts what is read from it. */
    private static final class HashingStream extends DigestInputStream {
        final MessageDigest digest;
        long count;

        HashingStream(InputStream in) {
            this(in, sha256());
        }

        private HashingStream(InputStream in, MessageDigest digest) {
            super(in, digest);
            this.digest = digest;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public boolean markSupported() {
            return false; // a reset would hash bytes twice
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // a read-only file stream: nothing is lost
        }
    }

    /** When the SDK did not read the whole file through one stream (it should), the file is hashed apart. */
    private static MessageDigest rehash(Path file) {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digest;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public byte[] get(String key) {
        return read(key, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    @Override
    public InputStream open(String key) {
        return read(key, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return AwsErrors.call(SERVICE, () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()
                .stream().map(o -> new StoredObject(o.key(), o.size(), o.lastModified())).toList());
    }

    @Override
    public void delete(String key) {
        AwsErrors.call(SERVICE, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    /** A copy onto itself inside S3 (with new metadata, as S3 requires): multipart above CopyObject's 5 GB. */
    @Override
    public void touch(String key) {
        read(key, () -> {
            renewal.renew(key, s3.headObject(b -> b.bucket(bucket).key(key)), System.currentTimeMillis());
            return null;
        });
    }

    /** The same store renewing objects over {@code singleCopyLimit} bytes by multipart copy in parts of {@code partSize}, for tests. */
    public S3PayloadStore withCopyLimit(long singleCopyLimit, long partSize) {
        return new S3PayloadStore(s3, bucket, multipartThreshold, this.partSize, new S3Renewal(s3, bucket, singleCopyLimit, partSize));
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
