package dev.drover.core.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads an archive's entries into a {@link PackTree} and, given a root (an empty directory only its
 * caller can write), creates what the tree accepts: directories and files as they come, every file
 * opened with {@code O_CREAT|O_EXCL|O_NOFOLLOW}, and the symlinks last, once they are all checked.
 * So nothing is ever created through a link, and a refused archive leaves no symlink behind.
 * Without a root it only checks.
 */
final class Unpacker {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final PackTree tree;
    private final Path root;
    private final Set<String> made = new HashSet<>();

    private Unpacker(PackTree tree, Path root) {
        this.tree = tree;
        this.root = root == null ? null : root.toAbsolutePath().normalize();
    }

    /** Checks (root null) or unpacks a tar.gz; returns what it held. */
    static PackTree tarGz(InputStream in, Path root, PackTree.Limits limits, String shown) throws FilesException, IOException {
        Unpacker u = new Unpacker(new PackTree(shown, limits), root);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                u.tarEntry(e, tar);
            }
        }
        return u.finish();
    }

    /** Unpacks a zip (whose stated sizes are not trusted). */
    static PackTree zip(Path zipFile, Path root, PackTree.Limits limits, String shown) throws FilesException, IOException {
        Unpacker u = new Unpacker(new PackTree(shown, limits), root);
        try (ZipFile zip = ZipFile.builder().setPath(zipFile).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                u.zipEntry(e, zip);
            }
        }
        return u.finish();
    }

    private void tarEntry(TarArchiveEntry e, InputStream data) throws FilesException, IOException {
        String name = e.getName();
        if (e.isDirectory()) {
            directory(tree.directory(name));
        } else if (e.isSymbolicLink()) {
            tree.symlink(name, e.getLinkName());
        } else if (e.isLink()) {
            PackTree.HardLink link = tree.hardLink(name, e.getLinkName());
            if (root != null) {
                directory(parent(link.path()));
                Path from = root.resolve(link.from());
                try (InputStream in = Files.newInputStream(from, LinkOption.NOFOLLOW_LINKS)) {
                    write(link.path(), in, Long.MAX_VALUE, Files.isExecutable(from));
                }
            }
        } else if (e.isCharacterDevice() || e.isBlockDevice()) {
            throw tree.refused(name, "a device");
        } else if (e.isFIFO()) {
            throw tree.refused(name, "a FIFO");
        } else if (e.isSparse() || !regular(e.getLinkFlag())) {
            throw tree.refused(name, "neither a file, a directory nor a link (tar type '" + (char) e.getLinkFlag() + "')");
        } else {
            String path = tree.file(name, e.getSize());
            if (root != null) {
                directory(parent(path));
                write(path, data, Long.MAX_VALUE, (e.getMode() & 0100) != 0); // its size was counted, and the stream holds no more
            }
        }
    }

    private static boolean regular(byte flag) {
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
    }

    private void zipEntry(ZipArchiveEntry e, ZipFile zip) throws FilesException, IOException {
        String name = e.getName();
        int type = e.getUnixMode() & S_IFMT;
        if (e.isDirectory() && (type == 0 || type == S_IFDIR)) {
            directory(tree.directory(name));
        } else if (e.isUnixSymlink()) {
            tree.symlink(name, zip.getUnixSymlink(e));
        } else if (type != 0 && type != S_IFREG || e.isDirectory()) {
            throw tree.refused(name, "neither a file, a directory nor a symlink (mode " + Integer.toOctalString(e.getUnixMode()) + ")");
        } else {
            String path = tree.file(name, 0);
            directory(parent(path));
            try (InputStream in = zip.getInputStream(e)) {
                tree.grow(name, write(path, in, tree.room(), (e.getUnixMode() & 0100) != 0));
            }
        }
    }

    private PackTree finish() throws FilesException, IOException {
        tree.checkSymlinks();
        if (root != null) {
            for (PackTree.Symlink s : tree.symlinks()) {
                directory(parent(s.path()));
                Files.createSymbolicLink(root.resolve(s.path()), Path.of(s.target()));
            }
        }
        return tree;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** Creates a directory and its parents, each one checked to be a real directory (no symlink exists yet anyway). */
    private void directory(String path) throws IOException {
        if (root == null || path.isEmpty() || made.contains(path)) {
            return;
        }
        directory(parent(path));
        Path d = root.resolve(path);
        try {
            Files.createDirectory(d);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(d + ": expected a directory", e);
            }
        }
        made.add(path);
    }

    /**
     * Writes a new file (never through a link, never over anything); refused past {@code room} bytes
     * (what is left under the size limit); returns how many it wrote.
     */
    private long write(String path, InputStream in, long room, boolean executable) throws FilesException, IOException {
        Path p = root.resolve(path);
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
                if (n > room) {
                    throw tree.overLimit(path);
                }
                out.write(buf, 0, r);
            }
        }
        if (executable) {
            p.toFile().setExecutable(true, false);
        }
        return n;
    }
}
