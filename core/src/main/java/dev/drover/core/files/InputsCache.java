package dev.drover.core.files;

import dev.drover.core.model.TaskInput;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.io.File;
import java.util.Comparator;

/**
 * A worker's copies of the outputs of tasks that other tasks wait on: each upstream task's outputs
 * are fetched from the payload store ({@code outputs/<job>/<seq>/…}) the first time a task on this
 * worker needs them, made read-only, and kept; a task then sees them through symbolic links under
 * {@code $DROVER_INPUT_DIR/NAME/REPLICA/}. Drover's own files ({@code .drover/}: a whole stdout or
 * stderr) are not fetched. Safe for the worker's task threads at once: one fetch per upstream task.
 *
 * <p>Bounded by bytes ({@code $DROVER_INPUTS_CACHE_LIMIT}, default {@link #DEFAULT_LIMIT}): past the
 * bound the least recently used copies go, never one a running task still links to (a task pins
 * its inputs from {@link #layOut} to {@link #release}); so the cache may run over its bound while
 * running tasks need more than it.
 */
public final class InputsCache {
    /** How many bytes of upstream outputs a worker keeps by default. */
    public static final long DEFAULT_LIMIT = 4L << 30;

    /** One upstream task's fetched outputs: how big, and how many running tasks link to them. */
    private static final class Copy {
        final String key;
        final Path dir;
        long bytes;
        int pins;
        boolean fetched;

        Copy(String key, Path dir) {
            this.key = key;
            this.dir = dir;
        }
    }

    private final PayloadStore store;
    private final Path root;
    private final long limit;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong fetches = new AtomicLong();
    /** Fetched (or being fetched) copies, least recently used first; guarded by itself. */
    private final java.util.LinkedHashMap<String, Copy> copies = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private long bytes; // of the fetched copies; guarded by copies
    private long evictions; // guarded by copies

    public InputsCache(PayloadStore store, Path root) throws IOException {
        this(store, root, DEFAULT_LIMIT);
    }

    public InputsCache(PayloadStore store, Path root, long limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("the inputs cache limit must not be negative: " + limit);
        }
        this.limit = limit;
        this.store = store;
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        // a task running as another user follows its links into here: it may search, never write
        this.root.toFile().setReadable(true, false);
        this.root.toFile().setExecutable(true, false);
    }

    /** Upstream tasks whose outputs this cache fetched (each once). */
    public long fetches() {
        return fetches.get();
    }

    /** Bytes of upstream outputs held now. */
    public long bytes() {
        synchronized (copies) {
            return bytes;
        }
    }

    /** Copies dropped to keep within the bound. */
    public long evictions() {
        synchronized (copies) {
            return evictions;
        }
    }

    /**
     * Lays out the inputs in {@code dir} (made if need be): {@code NAME/REPLICA} links to the fetched
     * outputs, pinned until {@link #release} with the same inputs (also if this throws).
     */
    public void layOut(String jobId, List<TaskInput> inputs, Path dir) throws IOException {
        for (TaskInput in : inputs) {
            for (int i = 0; i < in.count(); i++) {
                pin(jobId, in.firstSeq() + i);
            }
        }
        for (TaskInput in : inputs) {
            Path named = Files.createDirectories(dir.resolve(in.name()));
            for (int i = 0; i < in.count(); i++) {
                Files.createSymbolicLink(named.resolve(Integer.toString(in.firstReplica() + i)), fetched(jobId, in.firstSeq() + i));
            }
        }
        evict();
    }

    /** The task that {@link #layOut laid out} these inputs has ended: its copies may go when the cache is over its bound. */
    public void release(String jobId, List<TaskInput> inputs) {
        synchronized (copies) {
            for (TaskInput in : inputs) {
                for (int i = 0; i < in.count(); i++) {
                    Copy c = copies.get(key(jobId, in.firstSeq() + i));
                    if (c != null && c.pins > 0) {
                        c.pins--;
                    }
                }
            }
        }
        evict();
    }

    private static String key(String jobId, long seq) {
        return jobId + "/" + seq;
    }

    private void pin(String jobId, long seq) {
        synchronized (copies) {
            copies.computeIfAbsent(key(jobId, seq), k -> new Copy(k, root.resolve(jobId).resolve(Long.toString(seq)))).pins++;
        }
    }

    /** Drops the least recently used unpinned copies while the cache holds more than its bound. */
    private void evict() {
        List<Copy> gone = new java.util.ArrayList<>();
        synchronized (copies) {
            for (var it = copies.values().iterator(); it.hasNext() && bytes > limit; ) {
                Copy c = it.next();
                if (c.pins == 0) {
                    it.remove();
                    bytes -= c.bytes;
                    evictions++;
                    gone.add(c);
                }
            }
        }
        for (Copy c : gone) {
            synchronized (locks.computeIfAbsent(c.key, k -> new Object())) {
                boolean back;
                synchronized (copies) {
                    back = copies.containsKey(c.key);
                }
                if (!back) { // pinned anew meanwhile: its fetch replaces the directory
                    FilesPack.deleteTree(c.dir);
                }
            }
        }
    }

    /** The directory holding task {@code seq}'s outputs (pinned by the caller), fetched if this worker has not yet. */
    private Path fetched(String jobId, long seq) throws IOException {
        Path dest = root.resolve(jobId).resolve(Long.toString(seq));
        synchronized (locks.computeIfAbsent(key(jobId, seq), k -> new Object())) {
            synchronized (copies) {
                if (copies.get(key(jobId, seq)).fetched) {
                    return dest;
                }
            }
            FilesPack.deleteTree(dest); // a copy evicted just before this task pinned it again
            String prefix = StoreWorkspace.outputKey(jobId, seq, "");
            long size = 0;
            Path tmp = Files.createTempDirectory(Files.createDirectories(dest.getParent()), seq + ".part-");
            try {
                for (PayloadStore.StoredObject o : store.list(prefix)) {
                    String rel = o.key().substring(prefix.length());
                    Path file = tmp.resolve(rel).normalize();
                    if (rel.isEmpty() || rel.startsWith(StoreWorkspace.RESERVED_DIR) || !file.startsWith(tmp)) {
                        continue;
                    }
                    Files.createDirectories(file.getParent());
                    try (InputStream body = store.open(o.key())) {
                        size += Files.copy(body, file);
                    }
                }
                readOnly(tmp);
                try {
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(tmp, dest);
                }
                fetches.incrementAndGet();
                synchronized (copies) {
                    Copy c = copies.get(key(jobId, seq));
                    c.fetched = true;
                    c.bytes = size;
                    bytes += size;
                }
                return dest;
            } catch (IOException | RuntimeException e) {
                FilesPack.deleteTree(tmp);
                throw e;
            }
        }
    }

    /** Files readable by all and writable by none; directories the same, and searchable. */
    private static void readOnly(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                File f = p.toFile();
                f.setReadable(true, false);
                f.setWritable(false, false);
                if (f.isDirectory()) {
                    f.setExecutable(true, false);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
