package dev.drover.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a small file whole or not at all, with its mode set from the start (a secret is never readable to others). */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes {@code text} (UTF-8) to {@code file} through a temporary file of mode {@code mode} (e.g. "rw-------") beside it. */
    public static void write(Path file, String text, String mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
