package dev.drover.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packs of issue 19 that escaped the folder they unpack into, through symlinks the archive
 * itself had put on disk: each is refused, by the client's packer, by the scheduler's check and by
 * the worker's unpacker, with {@code SHOWN: ENTRY: reason}, and nothing appears outside.
 */
class FilesPackEscapeTest {
    private static final int DEPTH = 30;

    @TempDir
    Path dir;
    /** Where the attacks aim: a folder outside the unpack root, with a secret in it. */
    Path target;
    Path secret;

    @BeforeEach
    void target() throws IOException {
        target = Files.createDirectories(dir.resolve("outside"));
        secret = Files.writeString(target.resolve("secret"), "the worker's own");
    }

    /** {@code d -> .}, then {@code d/d/.../x -> ../../...}: as text inside, on disk {@code x -> /}. */
    private static Archives chain() {
        return Archives.of().symlink("d", ".").symlink("d/".repeat(DEPTH) + "x", "../".repeat(DEPTH));
    }

    /** The same {@code x -> /} made from a real directory chain only (no entry under a symlink). */
    private static Archives chainWithoutEntriesUnderLinks() {
        return Archives.of().symlink("d", ".").symlink("x", "d/".repeat(DEPTH) + "../".repeat(DEPTH));
    }

    private String relativeToSlash(Path p) {
        return p.toAbsolutePath().toString().substring(1);
    }

    private List<Path> outside() throws IOException {
        try (Stream<Path> s = Files.walk(target)) {
            return s.sorted().toList();
        }
    }

    /** Unpacked as a worker does, checked as the scheduler does, packed as the client does: all three refuse. */
    private void refusedEverywhere(Archives a, String reason) throws Exception {
        List<Path> before = outside();
        byte[] tgz = a.tgzBytes();
        Path root = Files.createDirectories(dir.resolve("root-" + System.nanoTime()));
        String worker = assertThrows(FilesException.class,
                () -> FilesPack.unpackTarGz(new ByteArrayInputStream(tgz), root, 1 << 20, "files abc")).getMessage();
        assertTrue(worker.startsWith("files abc: ") && worker.contains(reason), worker);
        try (Stream<Path> s = Files.walk(root)) {
            assertTrue(s.noneMatch(Files::isSymbolicLink), "a refused pack leaves no symlink behind");
        }
        String server = assertThrows(FilesException.class,
                () -> FilesPack.check(new ByteArrayInputStream(tgz), 1 << 20, 1000, "files pack abc")).getMessage();
        assertTrue(server.startsWith("files pack abc: ") && server.contains(reason), server);
        Path file = a.tgz(dir.resolve("evil.tgz"));
        String client = assertThrows(FilesException.class,
                () -> FilesPack.pack(file, 1 << 20, Files.createDirectories(dir.resolve("scratch")))).getMessage();
        assertTrue(client.startsWith(file + ": ") && client.contains(reason), client);
        assertEquals(before, outside(), "nothing appeared outside");
        assertEquals("the worker's own", Files.readString(secret));
    }

    @Test
    void aChainOfSymlinksThroughDotIsRefused() throws Exception {
        refusedEverywhere(chain(), "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/x: under the symlink d");
        refusedEverywhere(chainWithoutEntriesUnderLinks(), ": x: a symlink that points outside the pack (to d/d/d/");
    }

    @Test
    void aFileUnderASymlinkedDirectoryIsRefused() throws Exception {
        String evil = "x/" + relativeToSlash(target) + "/planted";
        refusedEverywhere(chain().file(evil, "planted"), "under the symlink d");
        refusedEverywhere(chainWithoutEntriesUnderLinks().file(evil, "planted"), evil + ": under the symlink x");
        refusedEverywhere(Archives.of().symlink("up", "sub/..").file("up/f", "f"), "up/f: under the symlink up");
        assertFalse(Files.exists(target.resolve("planted")));
    }

    @Test
    void aHardLinkThroughASymlinkIsRefused() throws Exception {
        String leak = "x/" + relativeToSlash(secret);
        refusedEverywhere(chainWithoutEntriesUnderLinks().hardLink("leak", leak),
                "leak: a hard link to " + leak + ", which is no file earlier in the archive");
        refusedEverywhere(Archives.of().hardLink("leak", "../outside/secret"), "leak: a hard link to a path outside the archive");
        refusedEverywhere(Archives.of().hardLink("leak", "later").file("later", "x"), "which is no file earlier in the archive");
        refusedEverywhere(Archives.of().dir("a").hardLink("leak", "a"), "which is no file earlier in the archive");
    }

    @Test
    void aZipBuiltTheSameWayIsRefused() throws Exception {
        for (Archives a : List.of(chain(), chainWithoutEntriesUnderLinks(),
                chainWithoutEntriesUnderLinks().file("x/" + relativeToSlash(target) + "/planted", "planted"))) {
            Path zip = a.zip(dir.resolve("evil.zip"));
            String client = assertThrows(FilesException.class,
                    () -> FilesPack.pack(zip, 1 << 20, Files.createDirectories(dir.resolve("scratch")))).getMessage();
            assertTrue(client.startsWith(zip + ": ") && (client.contains("under the symlink") || client.contains("points outside")),
                    client);
        }
        assertFalse(Files.exists(target.resolve("planted")));
    }

    @Test
    void namesThatLeaveTheRootOrReplaceAnEntryAreRefused() throws Exception {
        refusedEverywhere(Archives.of().file("../evil", "x"), "../evil: a '..' in its path");
        refusedEverywhere(Archives.of().file("ok/../../evil", "x"), "a '..' in its path");
        refusedEverywhere(Archives.of().file("a\\..\\..\\evil", "x"), "a '..' in its path");
        refusedEverywhere(Archives.of().symlink("abs", "/etc"), "abs: a symlink that points outside the pack (to /etc)");
        refusedEverywhere(Archives.of().symlink("a", "b").symlink("b", "a"), "a symlink loop");
        refusedEverywhere(Archives.of().file("f", "1").file("f", "2"), "f: named twice (a file before)");
        refusedEverywhere(Archives.of().symlink("s", "f").file("s", "2"), "s: named twice (a symlink before)");
        refusedEverywhere(Archives.of().dir("s").symlink("s", "."), "s: named twice (a directory before)");
        refusedEverywhere(Archives.of().file("f", "1").file("f/g", "2"), "f/g: under the file f");
        refusedEverywhere(Archives.of().add(Archives.Type.FIFO, "pipe", null), "pipe: a FIFO");
        refusedEverywhere(Archives.of().add(Archives.Type.CHARDEV, "null", null), "null: a device");
    }

    @Test
    void linksThatStayInsideAreKept() throws Exception {
        Archives ok = Archives.of().symlink("d", ".").dir("sub/deeper").file("sub/deeper/f", "f").symlink("sub/up", "..")
                .symlink("sub/f", "deeper/f").symlink("via", "sub/up/sub/deeper/../deeper/f").hardLink("copy", "sub/deeper/f")
                .symlink("dangling", "missing/../still-inside").file("./dot/x", "x").dir("sub/");
        Path root = Files.createDirectories(dir.resolve("ok"));
        FilesPack.unpackTarGz(new ByteArrayInputStream(ok.tgzBytes()), root, 1 << 20, "ok");
        assertEquals("f", Files.readString(root.resolve("via")));
        assertEquals("f", Files.readString(root.resolve("copy")));
        assertFalse(Files.isSymbolicLink(root.resolve("copy")), "a hard link becomes a copy");
        assertTrue(Files.isSymbolicLink(root.resolve("d")));
        assertEquals("x", Files.readString(root.resolve("dot/x")));
        assertTrue(Files.isSymbolicLink(root.resolve("dangling")) && !Files.exists(root.resolve("dangling")));
        assertEquals(root.toRealPath(), root.resolve("d").toRealPath());
        assertTrue(Files.isDirectory(root.resolve("sub"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void symlinksTooCostlyToResolveAreRefused() throws Exception {
        // d -> ./././...: 2,001 names, back at the root; each x -> d/d/...(40) walks it 40 times
        Archives costly = Archives.of().symlink("d", "./".repeat(2000) + ".");
        long perLink = PackTree.MAX_LINK_HOPS * 2002L;
        for (int i = 0; i <= PackTree.MAX_RESOLVE_STEPS / perLink; i++) {
            costly.symlink("x" + i, "d/".repeat(PackTree.MAX_LINK_HOPS));
        }
        long start = System.nanoTime();
        String refused = assertThrows(FilesException.class,
                () -> FilesPack.check(new ByteArrayInputStream(costly.tgzBytes()), 1 << 20, 100_000, "costly")).getMessage();
        assertTrue(refused.contains("symlinks that take over 10000000 steps to resolve, all together"), refused);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "bounded work");
    }

    @Test
    void packsOverTheirBoundsAreRefused() throws Exception {
        Archives many = Archives.of();
        for (int i = 0; i < 20; i++) {
            many.file("f" + i, "x");
        }
        byte[] tgz = many.tgzBytes();
        String entries = assertThrows(FilesException.class,
                () -> FilesPack.check(new ByteArrayInputStream(tgz), 1 << 20, 10, "many")).getMessage();
        assertEquals("many: f10: over the limit of 10 entries", entries);
        String bytes = assertThrows(FilesException.class,
                () -> FilesPack.check(new ByteArrayInputStream(tgz), 15, 1000, "many")).getMessage();
        assertEquals("many: f15: over the size limit of 15 bytes", bytes);
        assertEquals(20, FilesPack.check(new ByteArrayInputStream(tgz), 20, 20, "many"));
        String copies = assertThrows(FilesException.class, () -> FilesPack.check(new ByteArrayInputStream(
                Archives.of().file("f", "12345").hardLink("g", "f").hardLink("h", "f").tgzBytes()), 12, 1000, "bomb")).getMessage();
        assertEquals("bomb: h: over the size limit of 12 bytes", copies, "a hard link's copy counts too");
    }
}
