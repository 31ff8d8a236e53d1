package dev.drover.core.files;

import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Brings one files pack into a {@link FilesCache}: downloads it from the payload store, checks its
 * bytes against its SHA-256 name, unpacks it with every entry checked, and makes the tree read-only.
 * Nothing half-done is left: a failure deletes the pack's directory.
 */
final class PackFetch {
    /** An unpacked, read-only tree and the bytes its files hold. */
    record Fetched(Path tree, long bytes) {}

    private PackFetch() {}

    /** Fetches pack {@code sha256} into {@code root/sha256/tree}, unpacking at most {@code limit} bytes. */
    static Fetched fetch(PayloadStore store, Path root, String sha256, long limit) throws IOException {
        Path dir = root.resolve(sha256);
        FilesPack.deleteTree(dir);
        Files.createDirectories(dir);
        Path pack = dir.resolve("pack.tar.gz");
        MessageDigest sha = FilesPack.sha256();
        try (InputStream in = store.open(FilesPack.PREFIX + sha256);
             OutputStream out = new DigestOutputStream(Files.newOutputStream(pack), sha)) {
            in.transferTo(out);
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!got.equals(sha256)) {
            FilesPack.deleteTree(dir);
            throw new IOException("the files pack " + sha256 + " in the store has SHA-256 " + got);
        }
        Path partial = dir.resolve("tree.partial");
        Files.createDirectory(partial);
        try (InputStream in = Files.newInputStream(pack)) {
            FilesPack.unpackTarGz(in, partial, Math.min(limit, FilesPack.MAX_UNPACKED_BYTES), FilesPack.DEFAULT_MAX_ENTRIES,
                    "files " + sha256);
        } catch (FilesException | IOException e) {
            FilesPack.deleteTree(dir);
            throw new IOException(e instanceof FilesException ? e.getMessage() : "files " + sha256 + ": " + e.getMessage(), e);
        }
        Files.delete(pack);
        long bytes;
        try (Stream<Path> files = Files.walk(partial)) {
            bytes = files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
        FilesPack.makeReadOnly(partial);
        return new Fetched(Files.move(partial, dir.resolve("tree"), StandardCopyOption.ATOMIC_MOVE), bytes);
    }
}
