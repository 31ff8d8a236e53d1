package dev.drover.localaws;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ParentWatch} for a native emulator (dynoxide), which cannot load a Java class: a POSIX
 * shell runs the command and stops it (SIGTERM) when the shell's standard input, a pipe from the
 * parent, reaches end-of-file, which happens when the parent dies for any reason, kill -9
 * included. The shell exits with the command's status when the command exits, so a parent
 * waiting on it sees an emulator that failed to start at once; SIGHUP, SIGINT or SIGTERM to the
 * shell reach the command too.
 */
public final class NativeParentWatch {
    /**
     * fd 3 keeps the parent's pipe for the watcher alone (the command gets /dev/null); the
     * watcher is a subshell running only the {@code read} builtin, so killing it leaves nothing.
     * The first wait cannot be skipped: the shell may have reaped a quick child already, and only
     * wait gives its status; the loop waits again after a trap interrupted the first.
     */
    private static final String SCRIPT = """
            exec 3<&0 </dev/null
            "$@" 3<&- &
            child=$!
            { while read -r _; do :; done <&3; kill "$child" 2>/dev/null; } &
            watcher=$!
            exec 3<&-
            trap 'kill "$child" 2>/dev/null' HUP INT TERM
            wait "$child"
            status=$?
            while kill -0 "$child" 2>/dev/null; do
                wait "$child"
                status=$?
            done
            kill "$watcher" 2>/dev/null
            exit "$status"
            """;

    private NativeParentWatch() {
    }

    /** {@code command} run under the watch: start it with standard input a pipe that the parent never closes. */
    public static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "drover-parent-watch"));
        wrapped.addAll(command);
        return wrapped;
    }
}
