package dev.drover.core.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The processes of a task's session (it runs under {@code setsid}, so its shell leads a session of
 * its own, and whatever it starts stays in it unless it calls setsid itself). Read from Linux's
 * {@code /proc}: the session id is the sixth field of {@code /proc/PID/stat}, after the command name.
 * Only processes started after the session's leader are read: Linux hands out pids in rising order
 * (up to {@code pid_max}, 4M on 64-bit), so the scan skips the machine's older processes and costs
 * a directory listing and a few reads per task, not a read of every process.
 */
final class TaskSession {
    private static final Path PROC = Path.of("/proc");

    private TaskSession() {}

    /** Kills every process still in session {@code sid}; a machine without /proc kills nothing. */
    static void kill(long sid) {
        if (!Files.isDirectory(PROC)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path dir : entries) {
                long pid = pidOf(dir);
                if (pid > sid && sessionOf(dir) == sid) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: the processes live on, as they did before
        }
    }

    /** The pid a /proc entry names, or -1 for the entries that are not processes. */
    private static long pidOf(Path procDir) {
        String name = procDir.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit) ? Long.parseLong(name) : -1;
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
