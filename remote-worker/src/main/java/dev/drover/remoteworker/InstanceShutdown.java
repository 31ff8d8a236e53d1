package dev.drover.remoteworker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers the instance off after an idle exit (DROVER_SHUTDOWN_ON_IDLE=1). The instance's shutdown
 * behaviour {@code terminate} then ends it, and its bill.
 */
public final class InstanceShutdown {
    private static final Logger log = LoggerFactory.getLogger(InstanceShutdown.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final List<String> command;

    /** {@code shutdown -h now}, through {@code sudo -n} unless running as root. */
    public InstanceShutdown() {
        this(defaultCommand(System.getProperty("user.name")));
    }

    public InstanceShutdown(List<String> command) {
        this.command = List.copyOf(command);
    }

    static List<String> defaultCommand(String user) {
        return "root".equals(user) ? List.of("/usr/sbin/shutdown", "-h", "now")
                : List.of("sudo", "-n", "/usr/sbin/shutdown", "-h", "now");
    }

    /** Runs the command; throws if it cannot start, fails or hangs. Its output goes to ours (the journal). */
    public void powerOff() {
        log.info("powering off: {}", String.join(" ", command));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + p.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while powering off", e);
        }
    }
}
