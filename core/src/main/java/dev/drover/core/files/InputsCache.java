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
 */
public final class InputsCache {
    private final PayloadStore store;
    private final Path root;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong fetches = new AtomicLong();

    public InputsCache(PayloadStore store, Path root) throws IOException {
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

    /** Lays out the inputs in {@code dir} (made if need be): {@code NAME/REPLICA} links to the fetched outputs. */
    public void layOut(String jobId, List<TaskInput> inputs, Path dir) throws IOException {
        for (TaskInput in : inputs) {
            Path named = Files.createDirectories(dir.resolve(in.name()));
            for (int i = 0; i < in.count(); i++) {
                Files.createSymbolicLink(named.resolve(Integer.toString(in.firstReplica() + i)), fetched(jobId, in.firstSeq() + i));
            }
        }
    }

    /** The directory holding task {@code seq}'s outputs, fetched if this worker has not yet. */
    private Path fetched(String jobId, long seq) throws IOException {
        Path dest = root.resolve(jobId).resolve(Long.toString(seq));
        if (Files.isDirectory(dest)) {
            return dest;
        }
        synchronized (locks.computeIfAbsent(jobId + "/" + seq, k -> new Object())) {
            if (Files.isDirectory(dest)) {
                return dest;
            }
            String prefix = StoreWorkspace.outputKey(jobId, seq, "");
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
                        Files.copy(body, file);
                    }
                }
                readOnly(tmp);
                try {
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(tmp, dest);
                }
                fetches.incrementAndGet();
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
