package dev.drover.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dependency-kill} scenario on local AWS with real worker processes meets its target. */
@Tag("chaos")
class DependencyKillTest {
    @TempDir
    Path dir;

    @Test
    void killingTheWorkerOfAStagesLastTaskLosesNothingAndItsDependentsRunOnceAfterTheRetry() throws Exception {
        StringWriter progress = new StringWriter();
        try (ScenarioRunner runner = new ScenarioRunner(dir, true, new PrintWriter(progress))) {
            Scenario s = Scenarios.all(true).stream().filter(x -> x.name().equals("dependency-kill")).findFirst().orElseThrow();
            Outcome o = runner.run(s);
            assertEquals(0, o.lost(), o.toString());
            assertEquals(o.runTwice(), o.runTwiceExplained(), o.toString());
            assertTrue(o.met(), o + "\n" + progress);
        }
    }
}
