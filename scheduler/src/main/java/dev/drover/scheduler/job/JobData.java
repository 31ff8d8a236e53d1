package dev.drover.scheduler.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A job's folder in the scheduler's data directory and the files in it (its workload, its results):
 * the scheduler's alone, 0700 and 0600 whatever the umask, since they hold every user's commands,
 * {@code @env} values and output.
 */
public final class JobData {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private JobData() {}

    /** The attribute that creates a job's file as 0600. */
    public static FileAttribute<Set<PosixFilePermission>> privateFile() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    /** Makes (or makes private again) a job's folder. */
    public static Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return dir;
    }

    /** Writes a stream to a job's file, created (or truncated and made private again) as 0600; returns its bytes. */
    public static long write(InputStream in, Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(file, FILE);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            return in.transferTo(out);
        }
    }
}
