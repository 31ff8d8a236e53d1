package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.drover.core.files.FilesCache;
import dev.drover.core.files.FilesPack;
import dev.drover.core.files.StoreWorkspace;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks of a real unprivileged user (made with {@code useradd}, as in {@link TaskUserTest}) get hard
 * links to the files cache's read-only files. Skipped where the test is not root or useradd/setpriv are
 * missing.
 */
class TaskFilesLinksTest {
    private static final String NAME = "droverl" + Long.toString(ProcessHandle.current().pid(), 36);
    private static TaskUser user;

    @TempDir
    Path temp;
    final InMemoryPayloadStore store = new InMemoryPayloadStore();

    @BeforeAll
    static void makeUser() throws Exception {
        user = SystemUsers.create(NAME);
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) {
            SystemUsers.remove(NAME);
        }
    }

    /** A pack of {@code files} files of {@code fileBytes} zeros under data/, a name.txt and a symlink to it. */
    private String upload(int files, int fileBytes) throws Exception {
        Path src = Files.createDirectories(temp.resolve("src"));
        Files.createDirectories(src.resolve("data"));
        for (int i = 0; i < files; i++) {
            Files.write(src.resolve("data/f" + i), new byte[fileBytes]);
        }
        Files.writeString(src.resolve("name.txt"), "original");
        Files.createSymbolicLink(src.resolve("alias"), Path.of("name.txt"));
        FilesPack.Pack pack = FilesPack.pack(src, FilesPack.DEFAULT_LIMIT, Files.createDirectories(temp.resolve("packing")));
        store.putFile(pack.key(), pack.file());
        return pack.sha256();
    }

    private Outcome run(FilesCache cache, String sha, String command) throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        ShellExecutor shell = new ShellExecutor(temp.resolve("scratch"), 1 << 16, 1 << 20,
                TaskEnvironment.fromWorker(Map.of("PATH", TaskEnvironment.DEFAULT_PATH)), new StoreWorkspace(store, cache),
                Optional.of(user));
        return shell.run("j", new Task(0, 1, command, 20_000, 1, 1).withFiles(sha), () -> false);
    }

    private static Path tree(Path cacheRoot, String sha) {
        return cacheRoot.resolve(sha).resolve("tree");
    }

    private static Object attr(Path p, String name) throws IOException {
        return Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aTaskGetsLinksItCanReadButNotChangeAndItsRemovalsLeaveTheCacheIntact() throws Exception {
        String sha = upload(3, 1000);
        Path root = temp.resolve("cache");
        FilesCache cache = new FilesCache(store, root, 1 << 30, true, Optional.of(user));
        Outcome first = run(cache, sha, String.join("\n",
                "stat -c '%i %h %U %a' name.txt",
                "stat -c '%F' alias",
                "cat alias; echo",
                "echo evil >> name.txt 2>/dev/null && echo wrote || echo no-write",
                "chmod 666 name.txt 2>/dev/null && echo chmodded || echo no-chmod",
                "rm -f name.txt && echo replaced > name.txt && cat name.txt",
                "rm -f data/f0 && touch data/new && echo removed-and-added"));
        assertEquals(TaskStatus.SUCCEEDED, first.status(), first.stderr());
        List<String> lines = first.stdout().lines().toList();
        Path cached = tree(root, sha).resolve("name.txt");
        String[] stat = lines.get(0).split(" ");
        assertEquals(attr(cached, "ino").toString(), stat[0], "the task's name.txt is the cache's inode");
        assertTrue(Integer.parseInt(stat[1]) > 1, "link count " + stat[1]);
        assertEquals(List.of("root", "444"), List.of(stat[2], stat[3]), "the worker's, read-only");
        assertEquals(List.of("symbolic link", "original", "no-write", "no-chmod", "replaced", "removed-and-added"),
                lines.subList(1, 7), first.stdout() + first.stderr());

        assertEquals("original", Files.readString(cached));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cached)));
        assertEquals(1L, ((Number) attr(cached, "nlink")).longValue(), "the task's links are gone with its directory");
        assertTrue(Files.exists(tree(root, sha).resolve("data/f0")));
        assertTrue(Files.notExists(tree(root, sha).resolve("data/new")));

        Outcome next = run(cache, sha, "cat name.txt; echo; ls data | tr '\\n' ' '");
        assertEquals("original\nf0 f1 f2 ", next.stdout(), next.stderr());
        assertEquals(2, cache.linksMade());
        assertEquals(0, cache.copiesMade());
    }

    @Test
    void onAnotherFileSystemTheTaskGetsCopies() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !attr(shm, "dev").equals(attr(temp, "dev")), "needs a second file system");
        String sha = upload(2, 100);
        Path root = Files.createTempDirectory(shm, "drover-links-test-");
        try (FilesCache cache = new FilesCache(store, root, 1 << 30, true, Optional.of(user))) {
            Path work = Files.createDirectory(temp.resolve("work"));
            cache.checkout(sha, work);
            assertNotEquals(attr(tree(root, sha).resolve("name.txt"), "ino"), attr(work.resolve("name.txt"), "ino"));
            assertEquals("original", Files.readString(work.resolve("name.txt")));
            assertTrue(Files.isSymbolicLink(work.resolve("alias")));
            assertEquals(0, cache.linksMade());
            assertEquals(1, cache.copiesMade());
        }
    }

    /** The figure for the docs: populating a task directory from a 100 MB pack, links against copies. */
    @Test
    void populatingFromA100MbPackLinksAgainstCopies() throws Exception {
        String sha = upload(100, 1 << 20);
        Path linkRoot = temp.resolve("cache-links");
        Path copyRoot = temp.resolve("cache-copies");
        try (FilesCache links = new FilesCache(store, linkRoot, 1L << 30, false, Optional.of(user));
             FilesCache copies = new FilesCache(store, copyRoot, 1L << 30, false, Optional.empty())) {
            for (int round = 0; round < 3; round++) {
                Path l = Files.createDirectory(temp.resolve("work-links-" + round));
                Path c = Files.createDirectory(temp.resolve("work-copies-" + round));
                long t0 = System.nanoTime();
                links.checkout(sha, l);
                long t1 = System.nanoTime();
                copies.checkout(sha, c);
                long t2 = System.nanoTime();
                if (round > 0) { // the first round fetches and unpacks
                    System.out.printf("files populate, 100 x 1 MiB: links %.1f ms, %d new bytes on disk; copies %.1f ms, %d new bytes%n",
                            (t1 - t0) / 1e6, newBytes(tree(linkRoot, sha), l), (t2 - t1) / 1e6, newBytes(tree(copyRoot, sha), c));
                }
                links.giveBack(l);
                copies.giveBack(c);
                FilesPack.deleteTree(l);
                FilesPack.deleteTree(c);
            }
        }
    }

    /** What {@code dir} adds on disk beside {@code tree}: du counts a hard-linked inode once. */
    private static long newBytes(Path tree, Path dir) throws Exception {
        Process p = new ProcessBuilder("du", "-s", "-B1", tree.toString(), dir.toString()).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return Long.parseLong(out.get(1).split("\\s+")[0]);
    }
}
