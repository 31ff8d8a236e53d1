package dev.drover.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryPayloadStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesCacheTest {
    @TempDir
    Path dir;
    final InMemoryPayloadStore store = new InMemoryPayloadStore();

    private String upload(String name, int bytes) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + name));
        Files.write(src.resolve("data.bin"), new byte[bytes]);
        Files.writeString(src.resolve("name.txt"), name);
        FilesPack.Pack pack = FilesPack.pack(src, FilesPack.DEFAULT_LIMIT, Files.createDirectories(dir.resolve("scratch")));
        assertTrue(upload(pack));
        assertFalse(upload(pack), "the second upload of the same files uploads nothing");
        return pack.sha256();
    }

    private boolean upload(FilesPack.Pack pack) {
        if (store.exists(pack.key())) {
            return false;
        }
        store.putFile(pack.key(), pack.file());
        return true;
    }

    private Path fresh() throws IOException {
        return Files.createTempDirectory(dir, "work-");
    }

    @Test
    void aPackIsFetchedOnceAndEveryTaskGetsItsOwnCopy() throws Exception {
        String sha = upload("a", 1000);
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1 << 20);
        List<Path> works = new ArrayList<>();
        ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            Path work = fresh();
            works.add(work);
            done.add(pool.submit(() -> {
                cache.populate(sha, work);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(1, cache.fetches(), "32 tasks, at once, one fetch");
        Path first = works.get(0);
        assertEquals("a", Files.readString(first.resolve("name.txt")));
        Files.writeString(first.resolve("name.txt"), "changed by a task");
        Files.delete(first.resolve("data.bin"));
        Path next = fresh();
        cache.populate(sha, next);
        assertEquals("a", Files.readString(next.resolve("name.txt")), "a task's change is its own");
        assertEquals(1000, Files.size(next.resolve("data.bin")));
        assertEquals(1, cache.fetches());
    }

    @Test
    void theCachedTreeIsReadOnly() throws Exception {
        String sha = upload("ro", 10);
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1 << 20);
        cache.populate(sha, fresh());
        Path cached = dir.resolve("cache").resolve(sha).resolve("tree");
        assertFalse(Files.isWritable(cached.resolve("name.txt")) && !"root".equals(System.getProperty("user.name")));
        assertFalse(cached.toFile().canWrite() && !"root".equals(System.getProperty("user.name")));
    }

    @Test
    void theLeastRecentlyUsedPacksAreEvictedPastTheLimit() throws Exception {
        String a = upload("a", 400);
        String b = upload("b", 400);
        String c = upload("c", 400);
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1000);
        cache.populate(a, fresh());
        cache.populate(b, fresh());
        cache.populate(a, fresh()); // a is now the most recently used
        cache.populate(c, fresh()); // over 1000: b goes
        assertTrue(cache.holds(a));
        assertFalse(cache.holds(b));
        assertTrue(cache.holds(c));
        assertFalse(Files.exists(dir.resolve("cache").resolve(b)));
        assertTrue(cache.held() <= 1000, "held " + cache.held());
        assertEquals(3, cache.fetches());
        cache.populate(b, fresh());
        assertEquals(4, cache.fetches(), "an evicted pack is fetched again");
        cache.close();
        assertFalse(Files.exists(dir.resolve("cache")));
    }

    @Test
    void aPackWhoseBytesDoNotMatchItsNameIsRefused() throws Exception {
        String sha = upload("x", 10);
        store.put(FilesPack.PREFIX + sha, "tampered".getBytes());
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1 << 20);
        IOException e = assertThrows(IOException.class, () -> cache.populate(sha, fresh()));
        assertTrue(e.getMessage().contains("has SHA-256"), e.getMessage());
        assertThrows(IOException.class, () -> cache.populate("../../etc", fresh()));
    }

    @Test
    void aWorkerChecksEveryPackAgainAndBoundsItByItsCache() throws Exception {
        // a pack the scheduler would have refused, put straight into the store
        byte[] evil = Archives.of().symlink("d", ".").symlink("x", "d/".repeat(30) + "../".repeat(30)).tgzBytes();
        String evilSha = FilesPack.sha256(new java.io.ByteArrayInputStream(evil));
        store.put(FilesPack.PREFIX + evilSha, evil);
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1000);
        IOException e = assertThrows(IOException.class, () -> cache.populate(evilSha, fresh()));
        assertEquals("files " + evilSha + ": x: a symlink that points outside the pack (to " + "d/".repeat(30) + "../".repeat(30) + ")",
                e.getMessage());
        String big = upload("big", 2000);
        IOException over = assertThrows(IOException.class, () -> cache.populate(big, fresh()));
        assertTrue(over.getMessage().startsWith("files " + big + ": data.bin: over the size limit of 1000 bytes"), over.getMessage());
        assertFalse(cache.holds(big) || cache.holds(evilSha));
        try (var left = Files.list(dir.resolve("cache"))) {
            assertEquals(0, left.count(), "nothing of a refused pack stays in the cache");
        }
    }

    @Test
    void theCacheIsTheWorkersAlone() throws Exception {
        String sha = upload("private", 10);
        Path root = dir.resolve("cache");
        FilesCache cache = new FilesCache(store, root, 1 << 20);
        cache.populate(sha, fresh());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
    }

    /** What a task may do to its copy; after each, the next task's copy is the pack's files exactly. */
    interface Change {
        void apply(Path work) throws IOException;
    }

    @Test
    void aCopyIsLentAgainOnlyWhenNothingInItChanged() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-lend/sub"));
        Files.writeString(src.resolve("a.txt"), "aaaa");
        Files.writeString(src.getParent().resolve("top.txt"), "top!");
        FilesPack.Pack pack = FilesPack.pack(src.getParent(), FilesPack.DEFAULT_LIMIT, Files.createDirectories(dir.resolve("scratch")));
        upload(pack);
        String sha = pack.sha256();
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1 << 20);

        // untouched: the same copy again, not a new one
        Path w1 = fresh();
        cache.checkout(sha, w1);
        cache.giveBack(w1);
        assertFalse(Files.exists(w1), "the copy went back to the cache");
        Path w2 = fresh();
        cache.checkout(sha, w2);
        assertEquals(1, cache.copiesMade());
        assertEquals(1, cache.copiesLentAgain());
        assertEquals("aaaa", Files.readString(w2.resolve("sub/a.txt")));
        cache.giveBack(w2);

        List<Change> changes = List.of(
                w -> Files.writeString(w.resolve("sub/a.txt"), "bbbb"),                      // same size, same second
                w -> Files.writeString(w.resolve("top.txt"), "t"),                           // truncated
                w -> Files.delete(w.resolve("sub/a.txt")),
                w -> Files.writeString(w.resolve("sub/new.txt"), "x"),                       // an entry added below
                w -> Files.writeString(w.resolve("new-top.txt"), "x"),                       // ... and at the top
                w -> w.resolve("top.txt").toFile().setExecutable(true),                      // chmod
                w -> {                                                                       // replaced, mtime put back
                    java.nio.file.attribute.FileTime t = Files.getLastModifiedTime(w.resolve("sub/a.txt"));
                    Files.delete(w.resolve("sub/a.txt"));
                    Files.writeString(w.resolve("sub/a.txt"), "cccc");
                    Files.setLastModifiedTime(w.resolve("sub/a.txt"), t);
                },
                w -> {                                                                       // written in place, mtime put back
                    java.nio.file.attribute.FileTime t = Files.getLastModifiedTime(w.resolve("sub/a.txt"));
                    Files.write(w.resolve("sub/a.txt"), "dddd".getBytes(), java.nio.file.StandardOpenOption.WRITE);
                    Files.setLastModifiedTime(w.resolve("sub/a.txt"), t);
                },
                w -> Files.createLink(dir.resolve("kept-" + System.nanoTime()), w.resolve("top.txt")), // a link elsewhere
                w -> Files.move(w.resolve("sub"), w.resolve("moved")));
        for (Change change : changes) {
            Path w = fresh();
            cache.checkout(sha, w);
            change.apply(w);
            cache.giveBack(w);
            Path next = fresh();
            long made = cache.copiesMade();
            cache.checkout(sha, next);
            assertEquals(made + 1, cache.copiesMade(), "a changed copy is not lent again");
            assertEquals("aaaa", Files.readString(next.resolve("sub/a.txt")));
            assertEquals("top!", Files.readString(next.resolve("top.txt")));
            try (var files = Files.list(next)) {
                assertEquals(2, files.count());
            }
            assertFalse(Files.isExecutable(next.resolve("top.txt")));
            cache.giveBack(next);
        }
        assertEquals(1, cache.fetches());
        cache.close();
    }

    @Test
    void copiesInUseKeepTheirPackFromEvictionAndIdleOnesGoWithIt() throws Exception {
        String a = upload("a", 600);
        String b = upload("b", 600);
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1000);
        Path wa = fresh();
        cache.checkout(a, wa);
        Path wb = fresh();
        cache.checkout(b, wb); // over the limit, but a is in use
        assertTrue(cache.holds(a));
        cache.giveBack(wa);    // now a can go
        assertFalse(cache.holds(a));
        assertFalse(Files.exists(dir.resolve("cache").resolve(a)));
        cache.giveBack(wb);
        Path again = fresh();
        cache.checkout(b, again);
        assertEquals(1, cache.copiesLentAgain());
        cache.giveBack(again);
    }

    @Test
    void withoutReuseEveryTaskGetsAFreshCopy() throws Exception {
        String sha = upload("n", 10);
        FilesCache cache = new FilesCache(store, dir.resolve("cache"), 1 << 20, false);
        for (int i = 0; i < 3; i++) {
            Path w = fresh();
            cache.checkout(sha, w);
            assertEquals("n", Files.readString(w.resolve("name.txt")));
            cache.giveBack(w);
            assertTrue(Files.exists(w), "left for the executor to delete");
        }
        assertEquals(0, cache.copiesLentAgain());
    }
}
