package dev.drover.core.files;

import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's cache of job files packs, unpacked and read-only, one directory per SHA-256. A pack is
 * fetched from the payload store once per worker (concurrent tasks of a job wait for the one fetch),
 * its bytes checked against its name, and unpacked with every entry checked. The cache is bounded
 * by the unpacked size of what it holds: past its limit the least recently used packs that no task
 * is copying from are deleted. Each task gets its own copy ({@link #populate}), so no task can change
 * what the next one sees.
 */
public final class FilesCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FilesCache.class);
    /** The default bound on what the cache holds unpacked. */
    public static final long DEFAULT_LIMIT = 8L << 30;

    private final PayloadStore store;
    private final Path root;
    private final long limit;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** In access order: the eldest is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long held;
    private final AtomicLong fetches = new AtomicLong();

    private static final class Entry {
        final Path tree;
        final long bytes;
        int users;

        Entry(Path tree, long bytes) {
            this.tree = tree;
            this.bytes = bytes;
        }
    }

    /** A cache in {@code root}, which it owns: whatever is there is deleted first. */
    public FilesCache(PayloadStore store, Path root, long limit) throws IOException {
        this.store = store;
        this.root = root.toAbsolutePath().normalize();
        this.limit = limit;
        FilesPack.deleteTree(this.root);
        Files.createDirectories(this.root);
    }

    /** Fills {@code workDir} (a fresh, empty directory) with a copy of the pack's files. */
    public void populate(String sha256, Path workDir) throws IOException {
        Entry e = acquire(sha256);
        try {
            FilesPack.copyTree(e.tree, workDir);
        } finally {
            release(e);
        }
    }

    /** Deletes the cache's directory and everything in it. */
    @Override
    public void close() {
        FilesPack.deleteTree(root);
    }

    /** How many packs this cache has fetched from the store. */
    public long fetches() {
        return fetches.get();
    }

    /** The unpacked bytes the cache holds now. */
    public synchronized long held() {
        return held;
    }

    public synchronized boolean holds(String sha256) {
        return entries.containsKey(sha256);
    }

    private Entry acquire(String sha256) throws IOException {
        if (!FilesPack.isSha256(sha256)) {
            throw new IOException("not a files pack name: " + sha256);
        }
        synchronized (this) {
            Entry e = entries.get(sha256);
            if (e != null) {
                e.users++;
                return e;
            }
        }
        synchronized (locks.computeIfAbsent(sha256, k -> new Object())) {
            synchronized (this) {
                Entry e = entries.get(sha256);
                if (e != null) {
                    e.users++;
                    return e;
                }
            }
            Entry e = fetch(sha256);
            synchronized (this) {
                e.users++;
                entries.put(sha256, e);
                held += e.bytes;
                evict();
            }
            return e;
        }
    }

    private synchronized void release(Entry e) {
        e.users--;
        evict();
    }

    /** Deletes the least recently used packs that no task is using while the cache is over its limit. */
    private void evict() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (held > limit && it.hasNext()) {
            Map.Entry<String, Entry> eldest = it.next();
            if (eldest.getValue().users > 0) {
                continue;
            }
            it.remove();
            held -= eldest.getValue().bytes;
            FilesPack.deleteTree(eldest.getValue().tree.getParent());
            log.info("files cache: evicted {} ({} bytes)", eldest.getKey(), eldest.getValue().bytes);
        }
    }

    private Entry fetch(String sha256) throws IOException {
        fetches.incrementAndGet();
        Path dir = root.resolve(sha256);
        FilesPack.deleteTree(dir);
        Files.createDirectories(dir);
        Path pack = dir.resolve("pack.tar.gz");
        MessageDigest sha = FilesPack.sha256();
        try (InputStream in = store.open(FilesPack.PREFIX + sha256);
             OutputStream out = new DigestOutputStream(Files.newOutputStream(pack), sha)) {
            in.transferTo(out);
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!got.equals(sha256)) {
            FilesPack.deleteTree(dir);
            throw new IOException("the files pack " + sha256 + " in the store has SHA-256 " + got);
        }
        Path partial = dir.resolve("tree.partial");
        Files.createDirectory(partial);
        try (InputStream in = Files.newInputStream(pack)) {
            FilesPack.unpackTarGz(in, partial, Long.MAX_VALUE, "files " + sha256);
        } catch (FilesException e) {
            FilesPack.deleteTree(dir);
            throw new IOException(e.getMessage());
        }
        Files.delete(pack);
        long bytes;
        try (var files = Files.walk(partial)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        FilesPack.makeReadOnly(partial);
        Path tree = Files.move(partial, dir.resolve("tree"), StandardCopyOption.ATOMIC_MOVE);
        log.info("files cache: fetched {} ({} bytes unpacked)", sha256, bytes);
        return new Entry(tree, bytes);
    }
}
