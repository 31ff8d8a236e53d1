package dev.drover.core.files;

import dev.drover.core.codec.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import dev.drover.core.port.PayloadStore;

/**
 * A job's files as one content-addressed pack: a tar.gz with its entries sorted by path, every
 * mtime, owner and group fixed, and modes reduced to 0755/0644, so the same files always make the
 * same bytes and so the same SHA-256, which names the pack in the payload store
 * ({@code files/<sha256>}). A directory is packed as it is; a {@code .tar.gz}, {@code .tgz} or
 * {@code .zip} archive is unpacked first (every entry checked) and packed the same way.
 *
 * <p>Refused with a {@link FilesException}: a path that is missing or unreadable, that is neither a
 * directory nor such an archive, whose contents are over the limit; or, as {@code PATH: ENTRY: reason},
 * an entry that {@link PackTree} refuses (one that lands or points outside, on disk and not only as
 * text, or that is anything but a file, a directory or a link). Unpacking ({@link Unpacker}) and the
 * scheduler's {@link #check} apply the same rules, so neither a worker nor the scheduler trusts a pack.
 */
public final class FilesPack {
    /** The default limit on a job's files (their unpacked size, and the pack's). */
    public static final long DEFAULT_LIMIT = 2L << 30;
    /** The default bound on a pack's entries (files, directories, links), wherever it is made, taken or unpacked. */
    public static final long DEFAULT_MAX_ENTRIES = 100_000;
    /**
     * The most a pack may hold unpacked where it is taken (the scheduler) and unpacked (a worker, which
     * also takes no pack bigger than its whole cache), whatever limit the client that made it had.
     */
    public static final long MAX_UNPACKED_BYTES = 16L << 30;
    /** What the client's own limit is called, in a refusal. */
    private static final String CLIENT_SETTING = "--files-limit";
    /** Where packs live in the payload store. */
    public static final String PREFIX = PayloadStore.FILES_PREFIX;
    private static final FileTime EPOCH = FileTime.fromMillis(0);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private FilesPack() {}

    /**
     * @param file         the pack, a tar.gz (the caller deletes it)
     * @param sha256       lower-case hex SHA-256 of its bytes
     * @param bytes        its size
     * @param contentBytes the unpacked size of its files
     * @param entries      how many files, directories and symlinks it holds
     */
    public record Pack(Path file, String sha256, long bytes, long contentBytes, int entries) {
        public String key() {
            return PREFIX + sha256;
        }
    }

    public static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    /** Packs a directory or archive into {@code scratch} (a directory the caller owns). */
    public static Pack pack(Path source, long limit, Path scratch) throws FilesException, IOException {
        String name = source.getFileName() == null ? "" : source.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS) && !Files.exists(source)) {
            throw new FilesException(source + ": no such file or directory");
        }
        if (!Files.isReadable(source)) {
            throw new FilesException(source + ": cannot read it");
        }
        Path root = source.toAbsolutePath().normalize();
        if (Files.isDirectory(root)) {
            return packDirectory(root, source.toString(), limit, scratch);
        }
        boolean tar = name.endsWith(".tar.gz") || name.endsWith(".tgz");
        boolean zip = name.endsWith(".zip");
        if (!Files.isRegularFile(root) || !tar && !zip) {
            throw new FilesException(source + ": neither a directory nor a .tar.gz, .tgz or .zip archive");
        }
        Path tree = Files.createTempDirectory(scratch, "unpacked-");
        PackTree.Limits limits = new PackTree.Limits(limit, DEFAULT_MAX_ENTRIES, CLIENT_SETTING);
        try {
            if (tar) {
                try (InputStream in = Files.newInputStream(root)) {
                    Unpacker.tarGz(in, tree, limits, source.toString());
                } catch (IOException e) {
                    throw new FilesException(source + ": not a readable .tar.gz archive: " + e.getMessage());
                }
            } else {
                try {
                    Unpacker.zip(root, tree, limits, source.toString());
                } catch (IOException e) {
                    throw new FilesException(source + ": not a readable .zip archive: " + e.getMessage());
                }
            }
            return packDirectory(tree, source.toString(), limit, scratch);
        } finally {
            deleteTree(tree);
        }
    }

    private static Pack packDirectory(Path root, String shown, long limit, Path scratch) throws FilesException, IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(paths::add);
        } catch (UncheckedIOException e) {
            throw new FilesException(shown + ": cannot read " + e.getCause().getMessage());
        } catch (AccessDeniedException e) {
            throw new FilesException(shown + ": cannot read " + e.getFile());
        }
        paths.sort(Comparator.comparing(p -> relative(root, p)));
        Path pack = Files.createTempFile(scratch, "pack-", ".tar.gz");
        MessageDigest sha = sha256();
        PackTree checked = new PackTree(shown, new PackTree.Limits(limit, DEFAULT_MAX_ENTRIES, CLIENT_SETTING));
        GzipParameters gzip = new GzipParameters();
        gzip.setModificationTime(0);
        try (OutputStream file = Files.newOutputStream(pack);
             DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), sha);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(digest, gzip))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : paths) {
                String rel = relative(root, p);
                TarArchiveEntry entry;
                boolean regular = false;
                if (Files.isSymbolicLink(p)) {
                    String target = Files.readSymbolicLink(p).toString();
                    checked.symlink(rel, target);
                    entry = new TarArchiveEntry(rel, TarConstants.LF_SYMLINK);
                    entry.setLinkName(target);
                    entry.setMode(0120777);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isReadable(p) || !Files.isExecutable(p)) {
                        throw new FilesException(shown + ": cannot read the directory " + rel);
                    }
                    checked.directory(rel);
                    entry = new TarArchiveEntry(rel + "/");
                    entry.setMode(040755);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isReadable(p)) {
                        throw new FilesException(shown + ": cannot read the file " + rel);
                    }
                    entry = new TarArchiveEntry(rel);
                    regular = true;
                    entry.setMode(Files.isExecutable(p) ? 0100755 : 0100644);
                    entry.setSize(Files.size(p));
                    checked.file(rel, entry.getSize());
                } else {
                    throw checked.refused(rel, "neither a file, a directory nor a symlink");
                }
                entry.setModTime(EPOCH);
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName("");
                entry.setGroupName("");
                tar.putArchiveEntry(entry);
                if (regular) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
            checked.checkSymlinks();
            tar.finish();
        } catch (FilesException | IOException e) {
            Files.deleteIfExists(pack);
            throw e;
        }
        long bytes = Files.size(pack);
        if (bytes > limit) {
            Files.deleteIfExists(pack);
            throw overLimit(shown, limit);
        }
        return new Pack(pack, HexFormat.of().formatHex(sha.digest()), bytes, checked.bytes(), paths.size());
    }

    private static FilesException overLimit(String shown, long limit) {
        return new FilesException(shown + ": over the size limit of " + limit + " bytes (--files-limit changes it)");
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /**
     * Unpacks a tar.gz into {@code root} (an empty directory only the caller can write), every entry
     * checked ({@link PackTree}): nothing lands or points outside, nothing is written through a link,
     * no devices or FIFOs, at most {@code limit} bytes of files and {@link #DEFAULT_MAX_ENTRIES} entries.
     */
    public static void unpackTarGz(InputStream in, Path root, long limit, String shown) throws FilesException, IOException {
        unpackTarGz(in, root, limit, DEFAULT_MAX_ENTRIES, shown);
    }

    /** The same with a bound on entries; a refused pack may leave part of its files (never a symlink) in {@code root}. */
    public static void unpackTarGz(InputStream in, Path root, long limit, long maxEntries, String shown)
            throws FilesException, IOException {
        Unpacker.tarGz(in, root, new PackTree.Limits(limit, maxEntries, null), shown);
    }

    /**
     * Checks a tar.gz's entries as {@link #unpackTarGz} would, writing nothing; returns the bytes of
     * files it holds. Refused with {@code SHOWN: ENTRY: reason}, or {@code SHOWN: not a readable .tar.gz archive}.
     */
    public static long check(InputStream in, long limit, long maxEntries, String shown) throws FilesException {
        try {
            return Unpacker.tarGz(in, null, new PackTree.Limits(limit, maxEntries, null), shown).bytes();
        } catch (IOException e) {
            throw new FilesException(shown + ": not a readable .tar.gz archive: " + e.getMessage());
        }
    }

    /** Reads a stream to its end, returning the lower-case hex SHA-256 of its bytes. */
    public static String sha256(InputStream in) throws IOException {
        return Sha256.hex(in);
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static MessageDigest sha256() {
        return Sha256.digest();
    }

    /** Deletes a tree, read-only parts included. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                Path parent = p.getParent();
                if (parent != null) {
                    parent.toFile().setWritable(true, true);
                }
                p.toFile().delete();
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover directory wastes disk, loses nothing
        }
    }

    /** Makes a tree read-only: files r--/r-x, directories r-x; symlinks are left as they are. */
    static void makeReadOnly(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> paths = Files.walk(dir)) {
            all = paths.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            if (Files.isSymbolicLink(p)) {
                continue;
            }
            Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ);
            if (Files.isDirectory(p) || Files.isExecutable(p)) {
                perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
            }
            Files.setPosixFilePermissions(p, perms);
        }
    }

    /**
     * Copies a tree into {@code target} (an existing empty directory): the copies are the caller's
     * own, writable, so changing them changes nothing in the tree.
     */
    public static void copyTree(Path tree, Path target) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(tree)) {
            for (Path child : children) {
                Path to = target.resolve(child.getFileName().toString());
                if (Files.isSymbolicLink(child)) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(child));
                } else if (Files.isDirectory(child)) {
                    Files.createDirectory(to);
                    copyTree(child, to);
                } else {
                    Files.copy(child, to);
                    to.toFile().setWritable(true, true);
                    if (Files.isExecutable(child)) {
                        to.toFile().setExecutable(true, false);
                    }
                }
            }
        }
    }

}
