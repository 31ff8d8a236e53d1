package dev.drover.cli;

import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --files PATH} and {@code --files-limit SIZE}: the user's files, packed once and named by SHA-256. */
final class FilesOptions {
    @Option(names = "--files", paramLabel = "PATH",
            description = "A directory, .tar.gz, .tgz or .zip whose contents every task starts in (packed once, uploaded only if new).")
    Path files;

    @Option(names = "--files-limit", paramLabel = "SIZE", defaultValue = "2GiB",
            description = "The most --files may hold, unpacked (bytes, or with KiB, MiB, GiB, K, M, G; default ${DEFAULT-VALUE}).")
    String limit;

    /** The pack, made before anything is queued; empty without --files; null (after printing why) if refused. */
    Optional<FilesPack.Pack> prepare(PrintWriter err) throws IOException {
        if (files == null) {
            return Optional.empty();
        }
        long max;
        try {
            max = parseSize(limit);
        } catch (IllegalArgumentException e) {
            err.println("drover: bad --files-limit: " + e.getMessage());
            err.flush();
            return null;
        }
        Path scratch = Files.createTempDirectory("drover-files-");
        scratch.toFile().deleteOnExit();
        try {
            FilesPack.Pack pack = FilesPack.pack(files, max, scratch);
            pack.file().toFile().deleteOnExit();
            err.printf("files: %s packed: %d entries, %d bytes (%d unpacked), sha256 %s%n", files, pack.entries(),
                    pack.bytes(), pack.contentBytes(), pack.sha256());
            err.flush();
            return Optional.of(pack);
        } catch (FilesException e) {
            FilesPack.deleteTree(scratch);
            err.println("drover: --files " + e.getMessage());
            err.flush();
            return null;
        }
    }

    static long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"}, {"TIB", "1099511627776"},
                {"K", "1024"}, {"M", "1048576"}, {"G", "1073741824"}, {"T", "1099511627776"}, {"B", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).strip();
                break;
            }
        }
        if (!t.matches("\\d{1,15}")) {
            throw new IllegalArgumentException("expected a size such as 2GiB, 500M or 1048576, not '" + text + "'");
        }
        return Math.multiplyExact(Long.parseLong(t), unit);
    }
}
