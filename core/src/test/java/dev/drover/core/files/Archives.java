package dev.drover.core.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Hand-made archives for tests, any entry an attacker could write: {@code Archives.of().symlink("d", ".").tgz(path)}. */
final class Archives {
    enum Type { DIR, FILE, SYMLINK, HARDLINK, FIFO, CHARDEV }

    record Item(Type type, String name, String data) {}

    private final List<Item> items = new ArrayList<>();

    static Archives of() {
        return new Archives();
    }

    Archives dir(String name) {
        return add(Type.DIR, name, null);
    }

    Archives file(String name, String contents) {
        return add(Type.FILE, name, contents);
    }

    Archives symlink(String name, String target) {
        return add(Type.SYMLINK, name, target);
    }

    Archives hardLink(String name, String target) {
        return add(Type.HARDLINK, name, target);
    }

    Archives add(Type type, String name, String data) {
        items.add(new Item(type, name, data));
        return this;
    }

    List<Item> items() {
        return items;
    }

    byte[] tgzBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Item i : items) {
                byte flag = switch (i.type) {
                    case DIR -> TarConstants.LF_DIR;
                    case FILE -> TarConstants.LF_NORMAL;
                    case SYMLINK -> TarConstants.LF_SYMLINK;
                    case HARDLINK -> TarConstants.LF_LINK;
                    case FIFO -> TarConstants.LF_FIFO;
                    case CHARDEV -> TarConstants.LF_CHR;
                };
                TarArchiveEntry e = new TarArchiveEntry("x", flag);
                e.setName(i.name); // the constructor would clean the name
                byte[] data = i.type == Type.FILE ? i.data.getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (i.type == Type.SYMLINK || i.type == Type.HARDLINK) {
                    e.setLinkName(i.data);
                }
                e.setSize(data.length);
                e.setMode(i.type == Type.DIR ? 040755 : 0100644);
                tar.putArchiveEntry(e);
                if (!e.isDirectory()) { // a name ending in '/' makes any entry a directory, of no size
                    tar.write(data);
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    Path tgz(Path file) throws IOException {
        return Files.write(file, tgzBytes());
    }

    /** Hard links, FIFOs and devices have no zip form: they are left out. */
    Path zip(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (Item i : items) {
                ZipArchiveEntry e;
                byte[] data;
                switch (i.type) {
                    case DIR -> {
                        e = new ZipArchiveEntry(i.name.endsWith("/") ? i.name : i.name + "/");
                        data = new byte[0];
                    }
                    case FILE -> {
                        e = new ZipArchiveEntry(i.name);
                        e.setUnixMode(0100644);
                        data = i.data.getBytes(StandardCharsets.UTF_8);
                    }
                    case SYMLINK -> {
                        e = new ZipArchiveEntry(i.name);
                        e.setUnixMode(0120777);
                        data = i.data.getBytes(StandardCharsets.UTF_8);
                    }
                    default -> {
                        continue;
                    }
                }
                zip.putArchiveEntry(e);
                zip.write(data);
                zip.closeArchiveEntry();
            }
        }
        return file;
    }
}
