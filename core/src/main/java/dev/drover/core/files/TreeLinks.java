package dev.drover.core.files;

import dev.drover.core.exec.TaskUser;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A task directory filled with hard links to a cached tree's files, in fresh directories the task
 * user owns (so it can add, remove and rename names in them, but not write the cache's files); symlinks
 * are made anew. Used by {@link FilesCache} when tasks run as another user than the worker.
 */
final class TreeLinks {
    private TreeLinks() {}

    /** Links {@code tree}'s files into {@code target} (an existing, empty directory) for {@code u}. */
    static void link(Path tree, Path target, TaskUser u) throws IOException {
        own(target, u);
        try (DirectoryStream<Path> children = Files.newDirectoryStream(tree)) {
            for (Path child : children) {
                Path to = target.resolve(child.getFileName().toString());
                if (Files.isSymbolicLink(child)) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(child));
                    own(to, u);
                } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(to);
                    link(child, to, u);
                } else {
                    Files.createLink(to, child);
                }
            }
        }
    }

    private static void own(Path p, TaskUser u) throws IOException {
        Files.setAttribute(p, "unix:gid", u.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", u.uid(), LinkOption.NOFOLLOW_LINKS);
    }

    /** EXDEV: the JDK gives only strerror's text, so the devices are compared as well. */
    static boolean crossDevice(FileSystemException x, Path tree, Path workDir) {
        if (x.getReason() != null && x.getReason().contains("cross-device")) {
            return true;
        }
        try {
            return !Files.getAttribute(tree, "unix:dev").equals(Files.getAttribute(workDir, "unix:dev"));
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }
}
