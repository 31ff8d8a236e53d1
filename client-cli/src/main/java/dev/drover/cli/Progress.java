package dev.drover.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.io.Console;

/**
 * Progress of a job on stderr: a bar redrawn in place on a terminal, a plain line every few
 * seconds otherwise (logs and CI stay readable).
 */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final Clock clock;
    private final long total;
    private final long startedAt;
    private long lastDraw;

    Progress(PrintWriter err, boolean terminal, Clock clock, long total) {
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
        this.total = total;
        this.startedAt = clock.millis();
    }

    /** Whether stdout and stderr go to a terminal (JDK 22+ answers exactly; before, a console means one). */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    void update(long done, long failed) {
        long now = clock.millis();
        if (now - lastDraw < (terminal ? 100 : 2000) && done < total) {
            return;
        }
        lastDraw = now;
        double secs = Math.max(0.001, (now - startedAt) / 1000.0);
        String rate = String.format("%.0f tasks/s", done / secs);
        if (terminal) {
            int filled = (int) (WIDTH * done / Math.max(1, total));
            err.printf("\r[%s%s] %d/%d %3d%% %s%s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
                    100 * done / Math.max(1, total), rate, failed > 0 ? " (" + failed + " not ok)" : "");
        } else {
            err.printf("progress: %d/%d tasks (%d%%), %s, %d not ok%n", done, total, 100 * done / Math.max(1, total), rate, failed);
        }
        err.flush();
    }

    void finish() {
        if (terminal) {
            err.println();
            err.flush();
        }
    }
}
