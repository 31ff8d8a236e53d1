package dev.drover.localaws;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ParentWatch} for native (non-Java) children: wraps a command line so that the child ends
 * with this process, kill -9 included. A {@code /bin/sh} starts the command in the background and
 * reads its own stdin, a pipe from this process that the kernel closes when this process dies,
 * however it dies; at end of input it sends the child SIGTERM, and SIGKILL 5 s later if it is
 * still there. SIGTERM, SIGINT and SIGHUP to the shell are passed on as SIGTERM, so a stop lets the
 * child flush its data (Process.destroy sends SIGTERM and closes stdin at once: both say the same);
 * the shell exits with the child's status.
 *
 * <p>Why not {@code setpriv --pdeathsig KILL}: the kernel sends that signal when the <em>thread</em>
 * that started the child ends, not the process, and a JVM starts children from whatever thread
 * asks (a chaos fault, a restart), so a child could die long before this process does.
 */
public final class ShellParentWatch {
    // stdin is fd 3 for the watcher: an asynchronous list's own stdin would be /dev/null
    private static final String SCRIPT = """
            exec 3<&0
            "$@" </dev/null &
            child=$!
            trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
            (
              while read -r _ <&3; do :; done
              kill -TERM $child 2>/dev/null
              i=0
              while [ $i -lt 50 ] && kill -0 $child 2>/dev/null; do
                sleep 0.1
                i=$((i + 1))
              done
              kill -KILL $child 2>/dev/null
            ) &
            watch=$!
            wait $child
            status=$?
            while kill -0 $child 2>/dev/null; do
              wait $child
              status=$?
            done
            kill $watch 2>/dev/null
            exit $status
            """;

    private ShellParentWatch() {
    }

    /** {@code command} under the watch; start it with stdin a pipe from this process (ProcessBuilder's default). */
    public static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "drover-parent-watch"));
        wrapped.addAll(command);
        return wrapped;
    }
}
