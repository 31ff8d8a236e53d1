package dev.drover.cli.chaos;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A scenario that runs and judges itself, on emulators of its own: its target is not a job's
 * results but how processes end (none left behind, each within its bound).
 */
@FunctionalInterface
interface SelfJudged {
    Outcome run(Path dir, PrintWriter progress) throws Exception;
}
