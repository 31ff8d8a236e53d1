package dev.drover.core.port;

import dev.drover.core.codec.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Object storage for what does not fit in a message: big payloads and submitted workloads.
 *
 * <p>Reading a key that holds no object ({@link #get}, {@link #open}) throws
 * {@link java.util.NoSuchElementException} naming the key, in every adapter. Callers do not expect it:
 * a missing payload is a lost message body (for example one expired by the bucket's lifecycle rule),
 * and the exception goes up like any other failure of the store.
 */
public interface PayloadStore {
    /** Where message bodies too large for the queue are kept (they expire by the bucket's lifecycle rule). */
    String PAYLOADS_PREFIX = "payloads/";
    /** Where the scheduler keeps submitted workload files. */
    String WORKLOADS_PREFIX = "workloads/";
    /** Where task outputs go (they expire like payloads). */
    String OUTPUTS_PREFIX = "outputs/";
    /** Where job files packs go, named by their SHA-256 (so the same files are uploaded once). */
    String FILES_PREFIX = "files/";

    void put(String key, byte[] bytes);

    /** True if the key holds an object (S3: one HeadObject; the object is not read). */
    boolean exists(String key);

    /** Stores the file's content, streamed where the adapter can (S3: multipart for large files). */
    void putFile(String key, Path file);

    /**
     * Stores the file like {@link #putFile} and returns the lower-case hex SHA-256 of what was stored,
     * computed as the file streams up where the adapter can, so the file is read and hashed once.
     */
    default String putFileSha256(String key, Path file) {
        putFile(key, file);
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] get(String key);

    /** The object's content as a stream, read from the store as it is consumed where the adapter can. */
    InputStream open(String key);

    /** One object as a listing names it: {@code modified} is when it was last written. */
    record StoredObject(String key, long bytes, Instant modified) {}

    /** Every object whose key starts with {@code prefix}, in key order (S3: ListObjectsV2, 1,000 a page). */
    List<StoredObject> list(String prefix);

    /** Deletes the object; a key holding none is not an error. */
    void delete(String key);

    /**
     * Writes the object again with the same content, so that its age, by which the bucket's lifecycle
     * rule expires it, starts anew (S3: a CopyObject onto itself); a missing key is
     * {@link java.util.NoSuchElementException}.
     */
    void touch(String key);
}
