package dev.drover.core.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The unprivileged Unix user shell tasks run as ({@code drover worker --task-user NAME}), so a task
 * cannot read the worker's files or {@code /proc/<worker>/environ}, and a firewall rule for its uid
 * can keep it off the instance metadata service. The task is started through util-linux's
 * {@code setpriv}, which changes the real, effective and saved ids and the groups before it execs the
 * shell; the worker must run as root (a change from uid 0 to another uid clears every capability, so
 * the task keeps none) to do that, and to signal the task's processes and read its outputs.
 */
public record TaskUser(String name, int uid, int gid) {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final List<String> SETPRIV = List.of("/usr/bin/setpriv", "/bin/setpriv");

    public TaskUser {
        if (uid == 0) {
            throw new IllegalArgumentException("task user " + name + " is root: tasks would run with every privilege");
        }
    }

    /** Looks the user up with {@code id}; refuses a missing user, root, or a machine without setpriv. */
    public static TaskUser lookup(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a user name: " + name);
        }
        if (setpriv().isEmpty()) {
            throw new IllegalArgumentException("--task-user needs setpriv (util-linux), which is not installed");
        }
        return new TaskUser(name, id(name, "-u"), id(name, "-g"));
    }

    static Optional<String> setpriv() {
        return SETPRIV.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }

    private static int id(String name, String which) {
        try {
            Process p = new ProcessBuilder("id", which, name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalArgumentException("no such user: " + name);
            }
            return Integer.parseInt(out);
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("cannot look up user " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted looking up user " + name, e);
        }
    }

    /**
     * The command, run as this user with its own groups only; inheritable and ambient capabilities are
     * dropped too, so nothing the worker holds passes on even if the worker is not root.
     */
    List<String> wrap(List<String> command) {
        List<String> all = new ArrayList<>(List.of(setpriv().orElseThrow(), "--reuid=" + uid, "--regid=" + gid,
                "--init-groups", "--inh-caps=-all", "--ambient-caps=-all", "--"));
        all.addAll(command);
        return all;
    }

    /**
     * Readies a task's directory: the task may only pass through {@code taskDir} (which holds its
     * stdout and stderr files, kept the worker's so the task cannot swap them for links to the worker's
     * files), and owns its working, temporary and output directories. The scratch directory above must
     * be passable too.
     */
    void prepare(Path scratch, Path taskDir, List<Path> owned) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(scratch);
        if (!mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            mode.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(scratch, mode);
        }
        Files.setPosixFilePermissions(taskDir, EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
        for (Path dir : owned) {
            Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
