package dev.drover.core.files;

import dev.drover.core.port.PayloadStore;
import dev.drover.core.exec.TaskUser;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's cache of job files packs, unpacked and read-only, one directory per SHA-256. A pack is
 * fetched from the payload store once per worker (concurrent tasks of a job wait for the one fetch),
 * its bytes checked against its name, and unpacked with every entry checked. The cache is bounded
 * by the unpacked size of what it holds: past its limit the least recently used packs that no task
 * is copying from are deleted. Each task gets its own copy, so no task can change what the next one sees.
 *
 * <p>A copy is made once and lent again ({@link #checkout}, {@link #giveBack}): copying 100 MB for every
 * task costs tens of milliseconds, checking that a returned copy is untouched costs one {@code lstat} a
 * file. When a copy is made, every entry's inode number, inode change time ({@code ctime}), size and mode
 * are recorded; before it is lent again they are read anew, and a copy with any entry added, removed or
 * changed is deleted and a fresh one made. Every change a process can make to a file or a directory
 * (writing, truncating, chmod, chown, a link, a rename, an entry added or removed) sets its ctime to the
 * current time, and no unprivileged process can set it back. A copy is lent only once the clock has moved
 * past the newest ctime it holds by more than a timestamp tick, so a change just after the record cannot
 * leave the same ctime behind. Not covered: a process that a task leaves running after it ended, writing
 * later into the copy that a later task then has; and root, who can do anything (including writing the
 * cache itself). {@link #populate} still copies afresh every time.
 *
 * <p>When tasks run as another user than the worker ({@code --task-user}), {@link #checkout} copies
 * nothing: a task's directory gets fresh directories of its own (owned by the task user, so it can add,
 * remove and rename names in them) holding hard links to the cache's files, which stay the worker's and
 * 0444 (0555 if executable). The task can read them through its own directory (a link needs no path
 * through the 0700 cache root), but not write or chmod them; unlinking or replacing a name changes only
 * its own directory. Symlinks in the pack are made anew. The worker makes the links, so the kernel's
 * {@code fs.protected_hardlinks} does not apply. A task directory on another file system than the cache
 * ({@code EXDEV}) falls back, with one warning, to copies as above. Tasks of the worker's own user get
 * copies, never links: the owner of a linked file could chmod it and write through it into the cache.
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
    private final AtomicLong copies = new AtomicLong();
    private final AtomicLong lent = new AtomicLong();
    /** Copies lent out, by the working directory they are in. */
    private final Map<Path, Lent> out = new ConcurrentHashMap<>();
    /** False once a copy could not be moved (another file system), or when turned off: copies afresh. */
    private volatile boolean reuse;
    /** The user tasks run as, when not the worker's own: whose directories hold links to the cache's files. */
    private final Optional<TaskUser> linkFor;
    /** False once a link could not be made (another file system): copies from then on. */
    private final AtomicBoolean link;
    private final AtomicLong linked = new AtomicLong();

    /** At most this many idle copies of one pack are kept for reuse (each is the pack's size on disk). */
    public static final int MAX_IDLE_COPIES = 64;

    private static final class Entry {
        final Path tree;
        final long bytes;
        int users;
        /** Idle copies, guarded by the cache. */
        final ArrayDeque<Copy> idle = new ArrayDeque<>();

        Entry(Path tree, long bytes) {
            this.tree = tree;
            this.bytes = bytes;
        }
    }

    /** A copy of a pack's tree and what each entry looked like when it was made. */
    private record Copy(Path dir, Map<String, List<Object>> stamps) {}

    private record Lent(Entry entry, Map<String, List<Object>> stamps) {}

    /** A cache in {@code root}, which it owns: whatever is there is deleted first. */
    public FilesCache(PayloadStore store, Path root, long limit) throws IOException {
        this(store, root, limit, true);
    }

    /** The same, lending copies again ({@code reuse}) or copying afresh for every task. */
    public FilesCache(PayloadStore store, Path root, long limit, boolean reuse) throws IOException {
        this(store, root, limit, reuse, Optional.empty());
    }

    /** The same; when tasks run as {@code taskUser}, their directories get hard links, not copies. */
    public FilesCache(PayloadStore store, Path root, long limit, boolean reuse, Optional<TaskUser> taskUser)
            throws IOException {
        this.linkFor = taskUser;
        this.link = new AtomicBoolean(taskUser.isPresent());
        this.reuse = reuse && stampsReadable();
        this.store = store;
        this.root = root.toAbsolutePath().normalize();
        this.limit = limit;
        FilesPack.deleteTree(this.root);
        Files.createDirectories(this.root);
        // the worker's alone: the trees in it are world-readable (0555/0444) for the copies made from them
        Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx------"));
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

    /**
     * Fills {@code workDir} (a fresh, empty directory) with a copy of the pack's files: a copy lent
     * before and checked untouched since, or a fresh one. Give it back with {@link #giveBack} when the
     * task has ended; until then the pack stays in the cache.
     */
    public void checkout(String sha256, Path workDir) throws IOException {
        Entry e = acquire(sha256);
        try {
            if (link.get() && linked(e, workDir)) {
                out.put(workDir, new Lent(e, null));
                return;
            }
            if (!reuse) {
                FilesPack.copyTree(e.tree, workDir);
                out.put(workDir, new Lent(e, null));
                return;
            }
            Copy c;
            while ((c = pollIdle(e)) != null) {
                if (c.stamps.equals(TreeStamps.of(c.dir))) {
                    try {
                        Files.delete(workDir);
                        Files.move(c.dir, workDir, StandardCopyOption.ATOMIC_MOVE);
                        lent.incrementAndGet();
                        out.put(workDir, new Lent(e, c.stamps));
                        return;
                    } catch (IOException moved) {
                        reuse = false;
                        log.warn("files cache: cannot move a copy into {} ({}): copying afresh for every task from now on",
                                workDir, moved.toString());
                        FilesPack.deleteTree(c.dir);
                        Files.createDirectories(workDir);
                        break;
                    }
                }
                log.debug("files cache: a copy of {} was changed by the task that had it: made afresh", sha256);
                FilesPack.deleteTree(c.dir);
            }
            FilesPack.copyTree(e.tree, workDir);
            copies.incrementAndGet();
            Map<String, List<Object>> stamps = TreeStamps.of(workDir);
            TreeStamps.awaitTickAfter(stamps);
            out.put(workDir, new Lent(e, stamps));
        } catch (IOException | RuntimeException x) {
            release(e);
            throw x;
        }
    }

    /**
     * Takes back the copy in {@code workDir} once its task has ended (the directory is gone afterwards):
     * kept to be lent again after a check, or deleted. Nothing happens for a directory not lent.
     */
    public void giveBack(Path workDir) {
        Lent l = out.remove(workDir);
        if (l == null) {
            return;
        }
        try {
            if (l.stamps == null || !reuse) {
                return;
            }
            Path dir = l.entry.tree.resolveSibling("copies").resolve(UUID.randomUUID().toString());
            try {
                Files.createDirectories(dir.getParent());
                Files.move(workDir, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                reuse = false;
                log.warn("files cache: cannot move a task's copy back into {} ({}): copying afresh for every task from now on",
                        dir.getParent(), e.toString());
                return;
            }
            synchronized (this) {
                if (l.entry.idle.size() < MAX_IDLE_COPIES && entries.get(sha(l.entry)) == l.entry) {
                    l.entry.idle.add(new Copy(dir, l.stamps));
                    dir = null;
                }
            }
            if (dir != null) {
                FilesPack.deleteTree(dir);
            }
        } finally {
            release(l.entry);
        }
    }

    /**
     * Fills {@code workDir} with links to the tree's files, in directories the task user owns; false (and
     * {@code workDir} empty again) when the two are on different file systems.
     */
    private boolean linked(Entry e, Path workDir) throws IOException {
        TaskUser u = linkFor.orElseThrow();
        try {
            TreeLinks.link(e.tree, workDir, u);
            linked.incrementAndGet();
            return true;
        } catch (FileSystemException x) {
            if (!TreeLinks.crossDevice(x, e.tree, workDir)) {
                throw x;
            }
            if (link.getAndSet(false)) {
                log.warn("files cache: cannot link {} into {} ({}): copying for every task from now on",
                        e.tree, workDir, x.toString());
            }
            FilesPack.deleteTree(workDir);
            Files.createDirectories(workDir);
            return false;
        }
    }

    /** How many task directories this cache filled with links. */
    public long linksMade() {
        return linked.get();
    }

    /** How many copies of packs this cache made, and how many times it lent one again. */
    public long copiesMade() {
        return copies.get();
    }

    public long copiesLentAgain() {
        return lent.get();
    }

    private String sha(Entry e) {
        return e.tree.getParent().getFileName().toString();
    }

    private synchronized Copy pollIdle(Entry e) {
        return e.idle.pollLast();
    }

    /** The "unix" attribute view (inode, ctime) is there on Linux and other Unix JDKs; without it, no reuse. */
    private boolean stampsReadable() {
        try {
            TreeStamps.stamp(Path.of(System.getProperty("java.io.tmpdir")));
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            log.info("files cache: no inode change times here ({}): copying afresh for every task", e.toString());
            return false;
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
            eldest.getValue().idle.clear();
            held -= eldest.getValue().bytes;
            FilesPack.deleteTree(eldest.getValue().tree.getParent());
            log.info("files cache: evicted {} ({} bytes)", eldest.getKey(), eldest.getValue().bytes);
        }
    }

    private Entry fetch(String sha256) throws IOException {
        fetches.incrementAndGet();
        PackFetch.Fetched f = PackFetch.fetch(store, root, sha256, limit);
        log.info("files cache: fetched {} ({} bytes unpacked)", sha256, f.bytes());
        return new Entry(f.tree(), f.bytes());
    }
}
