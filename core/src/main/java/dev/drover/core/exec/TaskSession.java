package dev.drover.core.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The processes of a task's session (it runs under {@code setsid}, so its shell leads a session of
 * its own, and whatever it starts stays in it unless it calls setsid itself). Read from Linux's
 * {@code /proc}: the session id is the sixth field of {@code /proc/PID/stat}, after the command name.
 */
final class TaskSession {
    private static final Path PROC = Path.of("/proc");

    private TaskSession() {}

    /** Kills every process still in session {@code sid}; a machine without /proc kills nothing. */
    static void kill(long sid) {
        if (!Files.isDirectory(PROC)) {
            return;
        }
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : pids) {
                if (sessionOf(dir) == sid) {
                    ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: the processes live on, as they did before
        }
    }

    private static long sessionOf(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[3]); // state, ppid, pgrp, session
        } catch (IOException | RuntimeException e) {
            return -1; // gone meanwhile, or not readable
        }
    }
}
