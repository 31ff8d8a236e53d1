package dev.drover.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesPackTest {
    @TempDir
    Path dir;

    private Path tree(String name) throws IOException {
        Path root = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(root.resolve("data/sub"));
        Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        root.resolve("run.sh").toFile().setExecutable(true);
        Files.writeString(root.resolve("data/part-0.csv"), "a,b\n1,2\n");
        Files.writeString(root.resolve("data/sub/z.txt"), "z");
        Files.createSymbolicLink(root.resolve("data/link"), Path.of("part-0.csv"));
        return root;
    }

    private FilesPack.Pack pack(Path source) throws Exception {
        return FilesPack.pack(source, FilesPack.DEFAULT_LIMIT, Files.createDirectories(dir.resolve("scratch")));
    }

    private String refused(Path source, long limit) {
        return assertThrows(FilesException.class,
                () -> FilesPack.pack(source, limit, Files.createDirectories(dir.resolve("scratch")))).getMessage();
    }

    @Test
    void theSameFilesMakeTheSameBytesWhateverTheirTimesAndOrder() throws Exception {
        FilesPack.Pack a = pack(tree("a"));
        Path b = tree("b");
        Files.setLastModifiedTime(b.resolve("data/part-0.csv"), FileTime.fromMillis(123_456_789));
        Files.setLastModifiedTime(b.resolve("run.sh"), FileTime.fromMillis(987_654_321_000L));
        FilesPack.Pack again = pack(b);
        assertEquals(a.sha256(), again.sha256());
        assertEquals(a.bytes(), Files.size(a.file()));
        assertEquals(a.sha256(), FilesPack.sha256(a.file()));
        assertEquals(6, a.entries(), "data, data/link, data/part-0.csv, data/sub, data/sub/z.txt, run.sh");
        Files.writeString(b.resolve("data/sub/z.txt"), "Z");
        assertNotEquals(a.sha256(), pack(b).sha256(), "one byte changed, another pack");
    }

    @Test
    void anArchiveOfTheSameFilesMakesTheSamePack() throws Exception {
        FilesPack.Pack fromDir = pack(tree("t"));
        Path tgz = dir.resolve("t.tgz");
        Files.copy(fromDir.file(), tgz);
        assertEquals(fromDir.sha256(), pack(tgz).sha256(), "our own pack repacks to itself");
        Path zip = dir.resolve("t.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("hello/"));
            z.putNextEntry(new ZipEntry("hello/a.txt"));
            z.write("a".getBytes(StandardCharsets.UTF_8));
        }
        FilesPack.Pack fromZip = pack(zip);
        Path unpacked = Files.createDirectories(dir.resolve("unzipped"));
        try (var in = Files.newInputStream(fromZip.file())) {
            FilesPack.unpackTarGz(in, unpacked, 1 << 20, "test");
        }
        assertEquals("a", Files.readString(unpacked.resolve("hello/a.txt")));
    }

    @Test
    void refusesWhatIsMissingOrNeitherADirectoryNorAnArchive() throws Exception {
        assertTrue(refused(dir.resolve("nope"), FilesPack.DEFAULT_LIMIT).endsWith("nope: no such file or directory"));
        Path txt = Files.writeString(dir.resolve("notes.txt"), "x");
        assertTrue(refused(txt, FilesPack.DEFAULT_LIMIT).contains("neither a directory nor a .tar.gz, .tgz or .zip archive"));
        Path fake = Files.writeString(dir.resolve("fake.tar.gz"), "not gzip");
        assertTrue(refused(fake, FilesPack.DEFAULT_LIMIT).contains("not a readable .tar.gz archive"));
        Path unreadable = Files.createDirectories(dir.resolve("locked"));
        unreadable.toFile().setReadable(false);
        if (!Files.isReadable(unreadable)) { // not when the tests run as root
            assertTrue(refused(unreadable, FilesPack.DEFAULT_LIMIT).contains("cannot read"));
        }
        unreadable.toFile().setReadable(true);
    }

    @Test
    void refusesFilesOverTheLimit() throws Exception {
        Path big = Files.createDirectories(dir.resolve("big"));
        Files.write(big.resolve("a.bin"), new byte[600]);
        Files.write(big.resolve("b.bin"), new byte[600]);
        assertTrue(refused(big, 1000).contains("over the size limit of 1000 bytes (--files-limit changes it)"), refused(big, 1000));
    }

    @Test
    void refusesASymlinkPointingOutside() throws Exception {
        Path root = tree("escape");
        Files.createSymbolicLink(root.resolve("data/sub/passwd"), Path.of("/etc/passwd"));
        assertTrue(refused(root, FilesPack.DEFAULT_LIMIT).contains("data/sub/passwd: a symlink that points outside the pack (to /etc/passwd)"));
        Path other = tree("escape2");
        Files.createSymbolicLink(other.resolve("data/up"), Path.of("../../escape"));
        assertTrue(refused(other, FilesPack.DEFAULT_LIMIT).contains("data/up: a symlink that points outside the pack (to ../../escape)"));
    }

    @Test
    void refusesArchiveEntriesThatWouldLandOutside() throws Exception {
        for (String name : new String[] {"../evil.txt", "ok/../../evil.txt", "/etc/evil"}) {
            Path tgz = dir.resolve("evil.tgz");
            try (OutputStream out = Files.newOutputStream(tgz);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
                TarArchiveEntry e = new TarArchiveEntry("x");
                e.setName(name); // the constructor would strip a leading slash
                e.setSize(1);
                tar.putArchiveEntry(e);
                tar.write('x');
                tar.closeArchiveEntry();
            }
            if (!name.startsWith("/")) { // commons-compress itself strips a tar name's leading slash
                assertTrue(refused(tgz, FilesPack.DEFAULT_LIMIT).contains(name + ": a '..' in its path"), name);
            }
            Path zip = dir.resolve("evil.zip");
            try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
                z.putNextEntry(new ZipEntry(name));
                z.write('x');
            }
            assertTrue(refused(zip, FilesPack.DEFAULT_LIMIT).contains(name + (name.startsWith("/") ? ": an absolute path" : ": a '..' in its path")),
                    refused(zip, FilesPack.DEFAULT_LIMIT));
        }
        Path link = dir.resolve("link.tgz");
        try (OutputStream out = Files.newOutputStream(link);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            TarArchiveEntry e = new TarArchiveEntry("inside", TarConstants.LF_SYMLINK);
            e.setLinkName("../../outside");
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
        assertTrue(refused(link, FilesPack.DEFAULT_LIMIT).contains("inside: a symlink that points outside the pack (to ../../outside)"));
        assertTrue(!Files.exists(dir.resolve("evil.txt")) && !Files.exists(dir.getParent().resolve("evil.txt")));
    }
}
