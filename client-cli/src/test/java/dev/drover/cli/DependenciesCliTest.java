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
    void submitAfterWaitsForTheJobItNamesAndRefusesAnUnknownOne() throws Exception {
        try (dev.drover.service.InJvmFleet fleet = new dev.drover.service.InJvmFleet(2, java.time.Clock.systemUTC());
             dev.drover.scheduler.Scheduler scheduler = new dev.drover.scheduler.Scheduler(
                     fleet.schedulerConfig(dir.resolve("data")), fleet.backend(), java.time.Clock.systemUTC()).start();
             dev.drover.scheduler.api.HttpApi api = new dev.drover.scheduler.api.HttpApi(scheduler, "127.0.0.1", 0,
                     java.util.Map::of, FilesAndOutputsTest.ACCESS.accounts()).start()) {
            String address = "127.0.0.1:" + api.port();
            Path first = Files.writeString(dir.resolve("first.txt"), "sleep 500\n");
            Path second = Files.writeString(dir.resolve("second.txt"), "echo second\n");
            CliEndToEndTest.Run a = FilesAndOutputsTest.drover("submit", "-s", address, "-w", first.toString());
            assertEquals(0, a.code(), a.err());
            String firstId = a.out().strip();
            CliEndToEndTest.Run b = FilesAndOutputsTest.drover("submit", "-s", address, "-w", second.toString(),
                    "--after", firstId, "--wait", "-q");
            assertEquals(0, b.code(), b.out() + b.err());
            String secondId = scheduler.list().get(1).jobId();
            assertEquals(java.util.List.of(firstId), scheduler.status(secondId).orElseThrow().after());
            long firstEnd = scheduler.status(firstId).orElseThrow().finishedAt();
            assertTrue(scheduler.task(secondId, 0).orElseThrow().result().startedAt() >= firstEnd);

            CliEndToEndTest.Run unknown = FilesAndOutputsTest.drover("submit", "-s", address, "-w", second.toString(),
                    "--after", "jnosuchjob");
            assertEquals(2, unknown.code(), unknown.out() + unknown.err());
            assertTrue(unknown.err().contains("--after jnosuchjob: no such job"), unknown.err());
        }
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
