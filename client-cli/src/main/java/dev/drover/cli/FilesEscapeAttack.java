package dev.drover.cli;

import dev.drover.core.files.FilesPack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * The symlink-chain pack of issue 19, sent to {@code PUT /files/{sha}} with the user's token: a symlink
 * {@code d -> .}, a chain {@code d/d/.../x -> ../../...} that is {@code x -> /} once on disk, a file
 * under {@code x/} and a hard link to a path through {@code x}. It holds when the scheduler refuses it
 * with a 4xx whose message names the chain's entry; a 2xx means the pack was stored, and workers would
 * be handed it.
 */
final class FilesEscapeAttack {
    static final int DEPTH = 30;
    /** The entry a checking server refuses first: it lies under the symlink {@code d}. */
    static final String CHAIN_ENTRY = "d/".repeat(DEPTH) + "x";

    /** What the scheduler answered. */
    record Result(int status, String error) {
        boolean held() {
            return status >= 400 && status < 500 && error.contains(CHAIN_ENTRY);
        }

        String line() {
            return String.format("files pack escape (symlink chain, hard link out): PUT /files answered %d%s: %s", status,
                    error.isEmpty() ? "" : " (" + error + ")", held() ? "PASS" : "FAIL");
        }
    }

    private FilesEscapeAttack() {}

    static Result run(SchedulerClient client, Path scratch) throws IOException, InterruptedException {
        byte[] pack = pack();
        String sha256 = FilesPack.sha256(new ByteArrayInputStream(pack));
        Path file = Files.write(scratch.resolve("escape-" + sha256.substring(0, 12) + ".tar.gz"), pack);
        try {
            client.putFiles(sha256, file);
            return new Result(201, "");
        } catch (SchedulerClient.ApiException e) {
            return new Result(e.status, e.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The pack, as an attacker writes it (no packer of ours would). */
    static byte[] pack() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            link(tar, TarConstants.LF_SYMLINK, "d", ".");
            link(tar, TarConstants.LF_SYMLINK, CHAIN_ENTRY, "../".repeat(DEPTH));
            byte[] planted = "planted by drover audit\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry file = entry(TarConstants.LF_NORMAL, "x/tmp/drover-audit-planted");
            file.setSize(planted.length);
            tar.putArchiveEntry(file);
            tar.write(planted);
            tar.closeArchiveEntry();
            link(tar, TarConstants.LF_LINK, "leak", "x/etc/passwd");
        }
        return bytes.toByteArray();
    }

    private static void link(TarArchiveOutputStream tar, byte flag, String name, String target) throws IOException {
        TarArchiveEntry e = entry(flag, name);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(byte flag, String name) {
        TarArchiveEntry e = new TarArchiveEntry("x", flag);
        e.setName(name); // the constructor would clean the name, and the attack is in the name
        e.setMode(0100644);
        return e;
    }
}
