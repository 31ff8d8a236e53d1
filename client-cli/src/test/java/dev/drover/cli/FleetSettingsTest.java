package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A deployed scheduler gets the stack's fleet settings ({@code -c maxWorkers}, {@code workerThreads},
 * {@code idleTimeout}) as {@code DROVER_*} variables in its env file, and its fleet options default
 * to them. A child JVM, since picocli reads the real environment.
 */
class FleetSettingsTest {
    @Test
    void theSchedulersFleetOptionsDefaultToTheStacksSettings() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scheduler", "--help");
        pb.environment().put("DROVER_MAX_WORKERS", "7");
        pb.environment().put("DROVER_WORKER_THREADS", "3");
        pb.environment().put("DROVER_IDLE_TIMEOUT", "90s");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), help);
        String flat = help.replaceAll("\\s+", " ");
        for (String expected : List.of("$DROVER_MAX_WORKERS or 4; now 7", "$DROVER_WORKER_THREADS or 4; now 3",
                "$DROVER_IDLE_TIMEOUT or 10s; now 90s")) {
            assertTrue(flat.contains(expected), expected + " in: " + help);
        }
    }
}
