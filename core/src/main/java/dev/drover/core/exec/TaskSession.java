package dev.drover.core.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    /** Sweeps of a task user's processes at most: each catches what the one before raced with (a fork). */
    private static final int SWEEPS = 10;
    /**
     * The sessions of the tasks running in this JVM (a task's session id is its process's pid). Starting a
     * task and killing a user's leftovers take {@code LIVE}'s lock, so no new task's process is taken for a
     * leftover before its session is here.
     */
    private static final Set<Long> LIVE = new HashSet<>();

    private TaskSession() {}

    /** Starts a task's process and records its session as running until {@link #ended}. */
    static Process start(ProcessBuilder pb) throws IOException {
        synchronized (LIVE) {
            Process p = pb.start();
            LIVE.add(p.pid());
            return p;
        }
    }

    static void ended(long sid) {
        synchronized (LIVE) {
            LIVE.remove(sid);
        }
    }

    /**
     * Kills every process of {@code uid} that is in no running task's session: what a task of that user
     * moved out of its own session with {@code setsid}, and left behind. Tasks of one user share the uid,
     * so a process that another, still running, task moved out of its session goes too.
     */
    static void killUser(int uid) {
        if (!Files.isDirectory(PROC)) {
            return;
        }
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            // the scan of /proc without the lock (task starts wait on it); each find is checked again under it
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
                for (Path dir : entries) {
                    if (pidOf(dir) > 0 && ownedBy(dir, uid)) {
                        found.add(dir);
                    }
                }
            } catch (IOException e) {
                return;
            }
            int killed = 0;
            synchronized (LIVE) {
                for (Path dir : found) {
                    if (ownedBy(dir, uid) && !LIVE.contains(sessionOf(dir))) {
                        killed += ProcessHandle.of(pidOf(dir)).map(ProcessHandle::destroyForcibly).orElse(false) ? 1 : 0;
                    }
                }
            }
            if (killed == 0) {
                return;
            }
        }
    }

    /** True if any of the process's real, effective, saved or file-system uids is {@code uid}. */
    private static boolean ownedBy(Path procDir, int uid) {
        try {
            for (String line : Files.readAllLines(procDir.resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    for (String id : ids) {
                        if (Integer.parseInt(id) == uid) {
                            return true;
                        }
                    }
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return false;
    }

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
