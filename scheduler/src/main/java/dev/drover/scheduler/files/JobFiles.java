package dev.drover.scheduler.files;

import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import dev.drover.core.files.StoreWorkspace;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What travels beside a job through the payload store: the files packs its tasks start in (named
 * by their SHA-256, stored once) and the output files its tasks leave, under {@code outputs/<job>/<seq>/}.
 */
public final class JobFiles {
    private static final Logger log = LoggerFactory.getLogger(JobFiles.class);

    private final PayloadStore payloads;
    private final Path spoolDir;
    private final long unpackedLimit;

    /** @param unpackedLimit the most a pack may hold unpacked (bytes) for {@link #put} to take it */
    public JobFiles(PayloadStore payloads, Path spoolDir, long unpackedLimit) {
        this.payloads = payloads;
        this.spoolDir = spoolDir;
        this.unpackedLimit = unpackedLimit;
    }

    /** True if the store holds the files pack named by this SHA-256 (one HeadObject on S3). */
    public boolean has(String sha256) {
        return FilesPack.isSha256(sha256) && payloads.exists(FilesPack.PREFIX + sha256);
    }

    /**
     * Stores a files pack under its SHA-256 unless the store has it already: the bytes are spooled to
     * disk and checked against the name first, then every entry as a worker would unpack it (refused:
     * a {@link FilesException} naming the entry, and nothing kept). Returns true if it was uploaded,
     * false if already there.
     */
    public boolean put(String sha256, InputStream pack, long limit) throws IOException, FilesException {
        if (!FilesPack.isSha256(sha256)) {
            throw new FilesException("not a SHA-256: " + sha256);
        }
        if (has(sha256)) {
            return false;
        }
        Files.createDirectories(spoolDir);
        Path spool = Files.createTempFile(spoolDir, "files-", ".tar.gz");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(spool), sha)) {
                n = pack.transferTo(out);
            }
            if (n > limit) {
                throw new FilesException("the files pack is over the size limit of " + limit + " bytes");
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (!got.equals(sha256)) {
                throw new FilesException("the files pack's SHA-256 is " + got + ", not " + sha256);
            }
            try (InputStream in = Files.newInputStream(spool)) { // workers check again when they unpack
                FilesPack.check(in, unpackedLimit, FilesPack.DEFAULT_MAX_ENTRIES, "files pack " + sha256);
            }
            payloads.putFile(FilesPack.PREFIX + sha256, spool);
            log.info("files pack {} stored ({} bytes)", sha256, n);
            return true;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /**
     * One output file of a task, from under that task's own prefix {@code outputs/<job>/<seq>/}: a
     * path with an empty, {@code .} or {@code ..} segment is refused (S3 keys do not resolve them,
     * but nothing else should be nameable here). Empty if there is no such file.
     */
    public Optional<InputStream> output(String jobId, long seq, String path) {
        if (path.isEmpty() || Arrays.stream(path.split("/", -1)).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            return Optional.empty();
        }
        try {
            return Optional.of(payloads.open(StoreWorkspace.outputKey(jobId, seq, path)));
        } catch (NoSuchElementException e) {
            return Optional.empty();
        }
    }
}
