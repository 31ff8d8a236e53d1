package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover run --replicas 2}: two scheduler replicas as child JVMs on one local stack; the job is
 * submitted and followed through both, and every child (replicas included) ends with the run, even
 * when it is killed with -9.
 */
class RunReplicasTest {
    @TempDir
    Path dir;

    @Test
    void runsAWorkloadOnTwoReplicasAndExitsZero() throws Exception {
        Path workload = Files.writeString(dir.resolve("w.txt"), "echo a\necho b\n/bin/sleep 1\necho c\n");
        try (DroverProcess run = DroverProcess.start(dir.resolve("run.log"), Map.of(),
                "run", "--replicas", "2", "--workers", "1", "--worker-threads", "2", workload.toString())) {
            assertTrue(run.process.waitFor(180, TimeUnit.SECONDS), "run did not end:\n" + run.output());
            assertEquals(0, run.process.exitValue(), run.output());
            assertTrue(run.output().matches("(?s).*replicas: 127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+.*"), run.output());
            assertTrue(run.output().contains("4 tasks, 4 succeeded"), run.output());
        }
    }

    @Test
    void killNineOfTheRunEndsItsReplicas() throws Exception {
        Path workload = Files.writeString(dir.resolve("sleeps.txt"),
                IntStream.range(0, 8).mapToObj(i -> "/bin/sleep 200").collect(Collectors.joining("\n")) + "\n");
        try (DroverProcess run = DroverProcess.start(dir.resolve("run.log"), Map.of(),
                "run", "--replicas", "2", "--workers", "2", "--worker-threads", "2", workload.toString())) {
            List<ProcessHandle> started = RunStoppedTest.awaitTasksRunning(run);
            assertEquals(2, started.stream().filter(p -> p.info().commandLine().orElse("").contains("drover.role=scheduler")).count(),
                    "two replica JVMs among the run's processes");
            run.process.destroyForcibly();
            long end = System.nanoTime() + RunStoppedTest.LEFT_BEHIND_AFTER.toNanos();
            while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), started.stream().filter(ProcessHandle::isAlive)
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(), "left behind; run's log:\n" + run.output());
        }
    }
}
