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
}
