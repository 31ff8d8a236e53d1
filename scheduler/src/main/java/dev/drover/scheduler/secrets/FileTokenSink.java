package dev.drover.scheduler.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import dev.drover.core.AtomicFile;

/** The token in a file readable by this account only: directory 0700, file 0600, moved into place atomically. */
public record FileTokenSink(Path file) implements AdminTokenSink {
    @Override
    public String store(String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        AtomicFile.write(file, token + "\n", "rw-------");
        return file + " (mode 0600)";
    }
}
