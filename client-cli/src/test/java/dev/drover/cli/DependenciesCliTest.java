package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dependency directives through {@code drover run}, as a new user tries them. */
class DependenciesCliTest {
    @TempDir
    Path dir;

    CliEndToEndTest.Run drover(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                new ClientEnvironment(java.util.Map.of(), dir.resolve("home")));
        return new CliEndToEndTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void theMapReduceExampleRunsWithItsFilesAndTheReduceSumsTheMaps() throws Exception {
        Path example = DependenciesOnLocalAwsTest.EXAMPLE;
        Path out = dir.resolve("out");
        CliEndToEndTest.Run run = drover("run", "--local", "4", example.resolve("workload.txt").toString(),
                "--files", example.toString(), "--download", out.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertEquals("2190\n", Files.readString(out.resolve("21/sum")));
    }

    @Test
    void aWaitOnALineBelowIsRefusedWithItsLineAndExitTwo() throws Exception {
        Path w = Files.writeString(dir.resolve("w.txt"), "echo a\n@after b\necho c\n@name b\necho b\n");
        CliEndToEndTest.Run run = drover("run", "--local", "1", w.toString());
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("w.txt:2: @after b: b is line 5, below this one: a line may wait only on lines above it"),
                run.err());
    }
}
