package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link PayloadStore} adapter must do, in memory and on S3 alike. */
public abstract class PayloadStoreContract {
    /** Larger than any buffer an adapter should fill before handing out a stream. */
    private static final int LARGE = 6 * 1024 * 1024;

    protected abstract PayloadStore store();

    /**
     * True if {@link PayloadStore#open} reads the object from the store as the stream is consumed
     * (S3) rather than from a copy held whole (in memory, where it is in the heap anyway).
     */
    protected boolean opensWithoutLoadingWhole() {
        return false;
    }

    @TempDir
    Path dir;

    private static String key() {
        return PayloadStore.PAYLOADS_PREFIX + "contract/" + UUID.randomUUID();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void whatIsPutIsGotBackByteForByte() {
        String key = key();
        byte[] bytes = random(70_000, 1);
        store().put(key, bytes);
        assertArrayEquals(bytes, store().get(key));
        assertArrayEquals(new byte[0], put(key(), new byte[0]), "an empty object is an object");
    }

    private byte[] put(String key, byte[] bytes) {
        store().put(key, bytes);
        return store().get(key);
    }

    @Test
    void aPutReplacesTheObjectAndTheCallersArrayIsNotShared() {
        String key = key();
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        store().put(key, first);
        first[0] = 'X';
        assertEquals("first", new String(store().get(key), StandardCharsets.UTF_8));
        store().get(key)[0] = 'Y';
        assertEquals("first", new String(store().get(key), StandardCharsets.UTF_8));
        store().put(key, "second".getBytes(StandardCharsets.UTF_8));
        assertEquals("second", new String(store().get(key), StandardCharsets.UTF_8));
    }

    @Test
    void putFileStoresTheFilesContent() throws IOException {
        Path file = Files.write(dir.resolve("workload.txt"), "sleep 1\necho é€😀\n".getBytes(StandardCharsets.UTF_8));
        String key = PayloadStore.WORKLOADS_PREFIX + UUID.randomUUID();
        store().putFile(key, file);
        assertArrayEquals(Files.readAllBytes(file), store().get(key));
        try (InputStream in = store().open(key)) {
            assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
        }
    }

    @Test
    void putFileSha256StoresTheFileAndReturnsTheHashOfItsContent() throws IOException {
        for (int size : new int[] {0, 1000, LARGE + 12345}) {
            Path file = Files.write(dir.resolve("out-" + size + ".bin"), random(size, size));
            String key = key();
            String sha = store().putFileSha256(key, file);
            assertEquals(java.util.HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file))), sha, size + " bytes");
            assertArrayEquals(Files.readAllBytes(file), store().get(key), size + " bytes");
        }
    }

    @Test
    void openStreamsALargeObject() throws IOException {
        Path file = Files.write(dir.resolve("large.bin"), random(LARGE, 2));
        String key = key();
        store().putFile(key, file);
        try (InputStream in = store().open(key)) {
            if (opensWithoutLoadingWhole()) {
                assertTrue(in.available() < LARGE, "open() hands out a stream before the object is read whole: "
                        + in.available() + " bytes already buffered");
            }
            MessageDigest digest = sha256();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
                total += n;
            }
            assertEquals(LARGE, total);
            assertArrayEquals(sha256().digest(Files.readAllBytes(file)), digest.digest());
        }
    }

    @Test
    void aStreamMayBeClosedBeforeItsEnd() throws IOException {
        String key = key();
        store().put(key, random(LARGE, 3));
        try (InputStream in = store().open(key)) {
            assertEquals(1024, in.readNBytes(1024).length);
        }
        assertEquals(LARGE, store().get(key).length, "the object is still there, whole");
    }

    /** The one documented outcome: {@link NoSuchElementException} naming the key, from get and open alike. */
    @Test
    void aMissingKeyIsNoSuchElement() {
        String key = key();
        NoSuchElementException got = assertThrows(NoSuchElementException.class, () -> store().get(key));
        assertTrue(got.getMessage().contains(key), got.getMessage());
        NoSuchElementException opened = assertThrows(NoSuchElementException.class, () -> store().open(key).close());
        assertTrue(opened.getMessage().contains(key), opened.getMessage());
    }

    @Test
    void existsSaysWhetherAKeyHoldsAnObjectWithoutReadingIt() throws IOException {
        String key = PayloadStore.FILES_PREFIX + "contract-" + UUID.randomUUID();
        assertEquals(false, store().exists(key));
        store().putFile(key, Files.write(dir.resolve("pack.bin"), random(1000, 4)));
        assertEquals(true, store().exists(key));
        assertEquals(false, store().exists(key + "x"), "a longer key is another key");
        String empty = key();
        store().put(empty, new byte[0]);
        assertEquals(true, store().exists(empty), "an empty object exists");
    }

    @Test
    void listNamesWhatIsUnderAPrefixWithSizeAndAgeAndDeleteRemovesIt() {
        String prefix = PayloadStore.OUTPUTS_PREFIX + "contract-" + UUID.randomUUID() + "/";
        java.time.Instant before = java.time.Instant.now().minusSeconds(60);
        store().put(prefix + "b", random(10, 5));
        store().put(prefix + "a/x", random(3, 6));
        store().put(prefix.substring(0, prefix.length() - 1) + "-other", random(1, 7));
        List<PayloadStore.StoredObject> listed = store().list(prefix);
        assertEquals(List.of(prefix + "a/x", prefix + "b"), listed.stream().map(PayloadStore.StoredObject::key).toList());
        assertEquals(List.of(3L, 10L), listed.stream().map(PayloadStore.StoredObject::bytes).toList());
        assertTrue(listed.stream().allMatch(o -> o.modified().isAfter(before)), listed.toString());
        store().delete(prefix + "b");
        store().delete(prefix + "never-there");
        assertEquals(false, store().exists(prefix + "b"));
        assertEquals(List.of(prefix + "a/x"), store().list(prefix).stream().map(PayloadStore.StoredObject::key).toList());
    }

    @Test
    void touchKeepsTheContentAndRenewsTheAge() throws InterruptedException {
        String key = PayloadStore.FILES_PREFIX + "contract-" + UUID.randomUUID();
        byte[] bytes = random(2000, 8);
        store().put(key, bytes);
        java.time.Instant first = store().list(key).get(0).modified();
        Thread.sleep(1100); // S3 keeps Last-Modified to the second
        store().touch(key);
        assertArrayEquals(bytes, store().get(key));
        assertTrue(store().list(key).get(0).modified().isAfter(first), store().list(key).toString());
        assertThrows(NoSuchElementException.class, () -> store().touch(key + "-missing"));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
