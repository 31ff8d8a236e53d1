package dev.drover.core.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a finished task's output files out of its reach before the worker reads them: each regular
 * file is renamed, by directory file descriptor ({@code openat} with {@code O_NOFOLLOW} at every
 * level, {@code renameat}), from the output directory into a directory of the worker's own that the
 * task's user cannot enter. What is then uploaded from there cannot be swapped for a link by a process
 * the task left behind (or another task of the same user): a directory that became a link fails to
 * open, a file that became a link is moved as the link and dropped. Symlinks, FIFOs, devices and
 * sockets are never opened; with a task user, a file that user does not own (a hard link to the
 * worker's) is dropped too.
 */
final class OutputHarvest {
    private static final Logger log = LoggerFactory.getLogger(OutputHarvest.class);
    /** Output directories deeper than this are not taken: each level holds two open directories while it is read. */
    static final int MAX_DEPTH = 128;

    private final String taskId;
    private final OptionalInt owner;
    private final List<String> dropped = new ArrayList<>();

    private OutputHarvest(String taskId, OptionalInt owner) {
        this.taskId = taskId;
        this.owner = owner;
    }

    /**
     * Moves the regular files under {@code output} into {@code into} (created, mode 0700, on the same
     * file system), keeping their relative paths; returns the relative paths it dropped.
     */
    static List<String> harvest(Path output, Path into, OptionalInt owner, String taskId) throws IOException {
        Files.createDirectory(into, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        OutputHarvest h = new OutputHarvest(taskId, owner);
        try (DirectoryStream<Path> from = Files.newDirectoryStream(output);
             DirectoryStream<Path> to = Files.newDirectoryStream(into)) {
            if (!(from instanceof SecureDirectoryStream<Path> f) || !(to instanceof SecureDirectoryStream<Path> t)) {
                throw new IOException("this platform cannot open directories by descriptor: outputs are not uploaded");
            }
            h.move(f, t, into, "", 1);
        }
        return h.dropped;
    }

    private void move(SecureDirectoryStream<Path> from, SecureDirectoryStream<Path> to, Path toDir, String prefix, int depth)
            throws IOException {
        List<Path> names = new ArrayList<>();
        from.forEach(p -> names.add(p.getFileName()));
        for (Path name : names) {
            String rel = prefix + name;
            PosixFileAttributes a;
            try {
                a = from.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (IOException gone) {
                continue;
            }
            if (a.isDirectory() && depth >= MAX_DEPTH) {
                drop(rel + "/", "deeper than " + MAX_DEPTH + " directories");
            } else if (a.isDirectory()) {
                Path sub = Files.createDirectory(toDir.resolve(name));
                // O_NOFOLLOW|O_DIRECTORY: a directory swapped for a link since the lstat fails here
                try (SecureDirectoryStream<Path> f = from.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                     SecureDirectoryStream<Path> t = to.newDirectoryStream(sub.getFileName(), LinkOption.NOFOLLOW_LINKS)) {
                    move(f, t, sub, rel + "/", depth + 1);
                } catch (IOException swapped) {
                    drop(rel, "not a directory when opened");
                }
            } else if (a.isRegularFile()) {
                from.move(name, to, name);
                // in the worker's own directory now, where nothing changes between this look and the upload
                Path moved = toDir.resolve(name);
                if (!Files.isRegularFile(moved, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(moved);
                    drop(rel, "not a regular file when moved");
                } else if (owner.isPresent()
                        && (Integer) Files.getAttribute(moved, "unix:uid", LinkOption.NOFOLLOW_LINKS) != owner.getAsInt()) {
                    Files.delete(moved);
                    drop(rel, "not owned by the task user");
                }
            } else if (!a.isSymbolicLink()) {
                drop(rel, "not a regular file");
            }
        }
    }

    private void drop(String rel, String why) {
        dropped.add(rel);
        log.warn("task {}: not uploading {} from its output directory: {}", taskId, rel, why);
    }
}
